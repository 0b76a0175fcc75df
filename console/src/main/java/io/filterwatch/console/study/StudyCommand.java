package io.filterwatch.console.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.filterwatch.console.HtmlReport;
import io.filterwatch.console.PruningPlans;
import io.filterwatch.console.ReportModelBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code console study}: the paper's table for a grid of settings (docs/study.md). Training is
 * {@code dev/run-study}'s (the packaged trainer in job mode, Kafka, {@code console record}); this
 * command says which settings still need it ({@code --pending}) and analyses the recordings:
 * each replayed through the probe and the aggregator in process, with the trainer's evaluate-mode
 * score of its final checkpoint, into {@code study.md} and {@code study.html}.
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Analyse a grid of training settings from their recordings: dead filters per layer by each test, selectivity, "
                + "train and test accuracy, alerts; writes study.md and study.html (N runs side by side).")
public final class StudyCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Grid grid;

    static final class Grid {
        @Option(names = "--grid", paramLabel = "FILE",
                description = "Grid file: name optimizer lr l2 weight-decay momentum batch seed steps per line (dev/study-grid.txt).")
        Path file;

        @ArgGroup(exclusive = false)
        Flags flags;
    }

    /** The grid as the cross product of flags. */
    static final class Flags {
        @Option(names = "--optimizer", split = ",", required = true, description = "Optimizers, comma-separated (sgd,adam,adamw,...).")
        List<String> optimizers;

        @Option(names = "--lr", split = ",", required = true, description = "Learning rates.")
        List<String> lrs;

        @Option(names = "--l2", split = ",", defaultValue = "0", description = "Coupled L2 coefficients (all but adamw; default: ${DEFAULT-VALUE}).")
        List<String> l2s;

        @Option(names = "--weight-decay", split = ",", defaultValue = "0", description = "Decoupled decays (adamw; default: ${DEFAULT-VALUE}).")
        List<String> weightDecays;

        @Option(names = "--batch", split = ",", defaultValue = "64", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> batches;

        @Option(names = "--seed", split = ",", defaultValue = "42", description = "Seeds (default: ${DEFAULT-VALUE}).")
        List<Long> seeds;

        @Option(names = "--steps", defaultValue = "3000", description = "Training steps (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--momentum", defaultValue = "0.9", description = "SGD's momentum (default: ${DEFAULT-VALUE}).")
        String momentum;
    }

    @Option(names = "--recordings", required = true, paramLabel = "DIR", description = "Where the recordings are: <name>.fwrec.gz.")
    Path recordings;

    @Option(names = "--evaluations", paramLabel = "DIR",
            description = "Where the test scores are: <name>.json, the trainer's evaluate mode output (default: <out>/eval).")
    Path evaluations;

    @Option(names = {"-o", "--out"}, defaultValue = "study", paramLabel = "DIR", description = "Output folder for study.md and study.html (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--pending", description = "Print the settings without a recording as grid lines and exit (what dev/run-study trains).")
    boolean pending;

    @Option(names = "--print-grid", description = "Print every setting of the grid as grid lines and exit.")
    boolean printGrid;

    @Override
    public Integer call() throws Exception {
        List<StudySetting> settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("study: " + e.getMessage());
            return 2;
        }
        if (pending || printGrid) {
            (pending ? StudyGrid.pending(settings, recordings) : settings).forEach(s -> System.out.println(s.gridLine()));
            return 0;
        }
        List<StudySetting> missing = StudyGrid.pending(settings, recordings);
        Path evalDir = evaluations != null ? evaluations : out.resolve("eval");
        List<StudyAnalysis.Analysed> analysed = new ArrayList<>();
        for (StudySetting s : settings) {
            if (missing.contains(s)) {
                System.err.printf(Locale.ROOT, "study: %s: not recorded yet, left out%n", s.name());
                continue;
            }
            long t0 = System.nanoTime();
            StudyAnalysis.Analysed a = StudyAnalysis.analyse(s, StudyGrid.recording(recordings, s), evalDir.resolve(s.name() + ".json"));
            StudyResult r = a.result();
            System.err.printf(Locale.ROOT, "study: %s: %d of %d dead (activation %d, scale %d), test accuracy %s (%.1f s)%n", s.name(),
                    r.dead(), r.filters(), r.deadByActivation(), r.deadByScale(),
                    r.test() == null ? "not evaluated" : String.format(Locale.ROOT, "%.4f", r.test().accuracy()), (System.nanoTime() - t0) / 1e9);
            if (r.layers().isEmpty()) {
                System.err.printf(Locale.ROOT, "study: %s: warning: the probe produced no layer statistics from this recording "
                        + "(too few snapshots?)%n", s.name());
            }
            analysed.add(a);
        }
        if (analysed.isEmpty()) {
            System.err.println("study: no setting is recorded under " + recordings);
            return 1;
        }
        List<StudyResult> results = analysed.stream().map(StudyAnalysis.Analysed::result).toList();
        String md = StudyTable.markdown(results, missing);
        Files.createDirectories(out);
        Files.writeString(out.resolve("study.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("study.html"), html(analysed), StandardCharsets.UTF_8);
        System.out.print(md);
        System.err.println("study: written " + out.resolve("study.md").toAbsolutePath() + " and " + out.resolve("study.html").toAbsolutePath());
        return 0;
    }

    private List<StudySetting> settings() throws IOException {
        if (grid.file != null) {
            return StudyGrid.read(grid.file);
        }
        Flags f = grid.flags;
        return StudyGrid.cross(f.optimizers, f.lrs, f.l2s, f.weightDecays, f.batches, f.seeds, f.steps, f.momentum);
    }

    /** The report's page for the runs side by side, built from what the replay would have written to InfluxDB. */
    static String html(List<StudyAnalysis.Analysed> analysed) {
        List<ReportModelBuilder.RunInput> inputs = analysed.stream()
                .map(a -> new ReportModelBuilder.RunInput(a.history(), new PruningPlans.Plan("not part of a study (console report --api gives it)", null)))
                .toList();
        return HtmlReport.render(ReportModelBuilder.build(inputs, System.currentTimeMillis(),
                "recordings replayed through the probe and the aggregator (console study)",
                StudyTable.reportRows(analysed.stream().map(StudyAnalysis.Analysed::result).toList())));
    }
}
