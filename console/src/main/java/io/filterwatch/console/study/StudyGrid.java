package io.filterwatch.console.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A study's settings: from a grid file (one setting per line, {@code #} comments) or the cross
 * product of flags, and which of them still need training.
 *
 * <pre>
 * # name       optimizer lr    l2    weight-decay momentum batch seed steps
 * adam-l2-1e-3 adam      5e-3  1e-3  0            0.9      64    42   3000
 * </pre>
 */
public final class StudyGrid {

    /** Where a setting's recording lives: {@code <recordings>/<name>.fwrec.gz}. */
    public static final String RECORDING_SUFFIX = ".fwrec.gz";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,90}");
    private static final Set<String> OPTIMIZERS = Set.of("sgd", "adam", "adamw", "adagrad", "rmsprop");

    private StudyGrid() {
    }

    public static List<StudySetting> read(Path file) throws IOException {
        return parse(Files.readAllLines(file), file.toString());
    }

    /** Parses grid lines; an error names the source and line. */
    public static List<StudySetting> parse(List<String> lines, String source) {
        List<StudySetting> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            String[] f = line.split("\\s+");
            if (f.length != 9) {
                throw new IllegalArgumentException(where + "expected 9 columns (name optimizer lr l2 weight-decay momentum batch seed steps), got "
                        + f.length);
            }
            StudySetting s;
            try {
                s = new StudySetting(f[0], f[1].toLowerCase(Locale.ROOT), number(f[2]), number(f[3]), number(f[4]), number(f[5]),
                        Integer.parseInt(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "not a number: " + e.getMessage(), e);
            }
            Integer before = seen.put(s.name(), i + 1);
            if (before != null) {
                throw new IllegalArgumentException(where + "setting " + s.name() + " is already on line " + before);
            }
            out.add(validate(s, where));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no settings");
        }
        return out;
    }

    /**
     * The cross product optimizer x regulariser x lr x batch x seed. The regulariser of adamw is
     * each decoupled decay of {@code weightDecays}, of the others each coupled L2 of {@code l2s}
     * (the trainer takes no other combination). Names say the values: {@code adam-lr5e-3-l2-1e-3-b64-s42}.
     */
    public static List<StudySetting> cross(List<String> optimizers, List<String> lrs, List<String> l2s, List<String> weightDecays,
                                           List<Integer> batches, List<Long> seeds, long steps, String momentum) {
        List<StudySetting> out = new ArrayList<>();
        for (String opt : optimizers) {
            String o = opt.toLowerCase(Locale.ROOT);
            boolean decoupled = o.equals("adamw");
            for (String reg : decoupled ? weightDecays : l2s) {
                for (String lr : lrs) {
                    for (int batch : batches) {
                        for (long seed : seeds) {
                            String name = o + "-lr" + lr + (decoupled ? "-wd-" : "-l2-") + reg + "-b" + batch + "-s" + seed;
                            out.add(validate(new StudySetting(name, o, number(lr), decoupled ? "0" : number(reg), decoupled ? number(reg) : "0",
                                    number(momentum), batch, seed, steps), "setting " + name + ": "));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The settings that have no recording yet under {@code recordings}: a recorded setting is never trained again. */
    public static List<StudySetting> pending(List<StudySetting> settings, Path recordings) throws IOException {
        List<StudySetting> out = new ArrayList<>();
        for (StudySetting s : settings) {
            Path rec = recording(recordings, s);
            if (!Files.isRegularFile(rec) || Files.size(rec) == 0) {
                out.add(s);
            }
        }
        return out;
    }

    public static Path recording(Path recordings, StudySetting s) {
        return recordings.resolve(s.name() + RECORDING_SUFFIX);
    }

    private static StudySetting validate(StudySetting s, String where) {
        if (!NAME.matcher(s.name()).matches()) {
            throw new IllegalArgumentException(where + "name " + s.name() + " must match " + NAME.pattern());
        }
        if (!OPTIMIZERS.contains(s.optimizer())) {
            throw new IllegalArgumentException(where + "optimizer " + s.optimizer() + " is not one of " + OPTIMIZERS);
        }
        if (Double.parseDouble(s.lr()) <= 0 || s.l2Value() < 0 || s.weightDecayValue() < 0 || Double.parseDouble(s.momentum()) < 0) {
            throw new IllegalArgumentException(where + "lr must be positive, l2, weight decay and momentum not negative");
        }
        if (s.optimizer().equals("adamw") ? s.l2Value() != 0 : s.weightDecayValue() != 0) {
            throw new IllegalArgumentException(where + (s.optimizer().equals("adamw")
                    ? "adamw takes weight-decay, not l2" : s.optimizer() + " takes l2, not weight-decay (that is adamw's)"));
        }
        if (s.batch() <= 0 || s.steps() <= 0) {
            throw new IllegalArgumentException(where + "batch and steps must be positive");
        }
        return s;
    }

    private static String number(String s) {
        Double.parseDouble(s);
        return s;
    }
}
