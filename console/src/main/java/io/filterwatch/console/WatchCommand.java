package io.filterwatch.console;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.filterwatch.protocol.influx.InfluxSchema.Fields;

/**
 * Polls InfluxDB every couple of seconds and redraws: per run its progress, per layer alive/dying/dead
 * as bars, and the alerts. On a terminal the screen is redrawn in place with colours; otherwise (a pipe,
 * a log file, CI) a plain-text frame is printed whenever something changed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Live terminal view of one or more runs.")
public final class WatchCommand implements Callable<Integer> {

    @Mixin
    ConsoleMain.Connection connection = new ConsoleMain.Connection();

    @Option(names = "--run", description = "Run id to watch (repeatable). Default: the most recently active run.")
    List<String> runs = new ArrayList<>();

    @Option(names = "--total-steps", description = "Planned steps of the run(s), for the progress bar (repeatable, per --run).")
    List<Long> totalSteps = new ArrayList<>();

    @Option(names = "--interval", defaultValue = "2", description = "Seconds between polls (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--once", description = "Print one frame and exit.")
    boolean once;

    @Option(names = "--until-pid", description = "Also stop (after a grace period for the last events) once these processes "
            + "have all exited (repeatable).")
    List<Long> untilPids = new ArrayList<>();

    @Option(names = "--grace", defaultValue = "20", description = "Seconds to wait for the final events after --until-pid exited, and for the last statistics after "
            + "the runs finished (default: ${DEFAULT-VALUE}).")
    double grace;

    @Option(names = "--timeout", defaultValue = "0", description = "Give up after this many seconds (0 = never).")
    double timeout;

    @Option(names = "--color", defaultValue = "auto", description = "auto (colours on a terminal), always or never.")
    String color;

    @Option(names = "--width", defaultValue = "30", description = "Bar width in characters (default: ${DEFAULT-VALUE}).")
    int width;

    @Override
    public Integer call() throws Exception {
        boolean tty = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        boolean ansi = switch (color) {
            case "always" -> true;
            case "never" -> false;
            default -> tty && System.getenv("NO_COLOR") == null;
        };
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        WatchFrame frame = new WatchFrame(ansi, width);
        long started = System.currentTimeMillis();
        Long pidGoneAt = null;
        Long doneSince = null;
        String previous = null;
        int failures = 0;
        try (InfluxQueries influx = connection.open()) {
            while (true) {
                List<String> ids = runs;
                List<RunHistory> data = new ArrayList<>();
                String error = null;
                try {
                    if (ids.isEmpty()) {
                        List<String> known = RunHistory.knownRuns(influx);
                        ids = known.isEmpty() ? List.of() : List.of(known.get(0));
                    }
                    for (String id : ids) {
                        data.add(RunHistory.loadLatest(influx, id));
                    }
                    failures = 0;
                } catch (RuntimeException e) {
                    error = "InfluxDB at " + connection.influxUrl + " not answering (" + e.getMessage() + "); retrying";
                    failures++;
                }
                Map<String, Long> totals = new LinkedHashMap<>();
                for (int i = 0; i < ids.size() && i < totalSteps.size(); i++) {
                    totals.put(ids.get(i), totalSteps.get(i));
                }
                String text = error != null ? "FilterWatch live view: " + error + "\n"
                        : ids.isEmpty() ? "FilterWatch live view: no run in InfluxDB yet; waiting ...\n"
                        : frame.render(data, totals, System.currentTimeMillis());
                if (ansi && tty) {
                    out.print("\u001b[H\u001b[2J" + text);
                    out.flush();
                } else if (!text.equals(previous) && !sameButClock(text, previous)) {
                    out.print(text);
                    out.println("-".repeat(40));
                }
                previous = text;
                boolean allDone = !data.isEmpty() && data.size() == ids.size() && data.stream().allMatch(RunHistory::finished);
                long now = System.currentTimeMillis();
                if (allDone && doneSince == null) {
                    doneSince = now;
                }
                // the FINISHED event comes straight from the trainer; the last snapshot's statistics pass
                // through the probe first: keep drawing until they are in (or the grace period is over)
                boolean caughtUp = allDone && data.stream().allMatch(WatchCommand::statisticsCaughtUp);
                if (once || caughtUp || (allDone && now - doneSince > grace * 1000)) {
                    return 0;
                }
                if (!untilPids.isEmpty() && pidGoneAt == null
                        && untilPids.stream().allMatch(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true))) {
                    pidGoneAt = now;
                }
                if (pidGoneAt != null && now - pidGoneAt > grace * 1000) {
                    out.println("(the watched process has exited; stopping the live view)");
                    return 0;
                }
                if (timeout > 0 && now - started > timeout * 1000) {
                    out.println("(watch timed out after " + timeout + " s)");
                    return 3;
                }
                Thread.sleep((long) (interval * 1000));
            }
        }
    }

    /** The latest statistics of every layer are from the run's last step. */
    static boolean statisticsCaughtUp(RunHistory run) {
        long last = run.lastEvent().map(e -> e.lng(Fields.STEP)).orElse(0L);
        return !run.latestLayers().isEmpty() && run.latestLayers().stream().allMatch(r -> r.lng(Fields.STEP) >= last);
    }

    /** Two plain frames that differ only in their clock line are the same news. */
    private static boolean sameButClock(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        int ia = a.indexOf('\n');
        int ib = b.indexOf('\n');
        return ia >= 0 && ib >= 0 && a.substring(ia).equals(b.substring(ib));
    }
}
