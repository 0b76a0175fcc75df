package io.filterwatch.console.backtest;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.probe.ProbeConfig;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.AlertRule;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code console backtest FILE... [--set aggregator.alerts.x=y] [--set probe.x=y]}: replays recordings
 * through the probe's and the aggregator's logic offline and prints every episode with its step,
 * and per run the numbers the alert goals are stated in.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Replay recorded runs through the probe and the alert rules offline (no Kafka, no InfluxDB) and print every alert episode.")
public final class BacktestCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Recordings made by `record` (.fwrec.gz).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override a setting: aggregator.alerts.* (the rules) or probe.* (e.g. probe.window.samples=12800).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--refire-window", defaultValue = "500", description = "Steps within which a re-fire counts as flapping (default: ${DEFAULT-VALUE}).")
    long refireWindow;

    @Option(names = "--layers", description = "Also print every layer summary (dead, silent, dying, median gamma dominance).")
    boolean layers;

    @Override
    public Integer call() throws Exception {
        Map<String, String> alerts = new LinkedHashMap<>();
        Map<String, String> probe = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getKey().startsWith("probe.")) {
                probe.put(e.getKey(), e.getValue());
            } else {
                alerts.put(e.getKey(), e.getValue());
            }
        }
        AlertSettings alertSettings = AlertSettings.withOverrides(alerts);
        ProbeSettings probeSettings = probeSettings(probe);
        List<RunOutcome> all = new ArrayList<>();
        for (Path f : files) {
            long t0 = System.nanoTime();
            Backtest b = new Backtest(probeSettings, alertSettings);
            if (layers) {
                b.onLayerStats(ls -> System.out.printf(Locale.ROOT, "  step %6d epoch %d %-8s dead %3d/%-3d (act %3d scale %3d) silent %3d dying %3d "
                                + "median-dom %s decided %s%n", ls.step(), ls.epoch(), ls.layer(), ls.dead(), ls.filterCount(),
                        ls.deadByActivation(), ls.deadByScale(), ls.silent(), ls.dying(),
                        ls.medianGammaDominance() == null ? "-" : String.format(Locale.ROOT, "%.2f", ls.medianGammaDominance()),
                        ls.activationTestDecided()));
            }
            b.replay(Recording.read(f));
            List<RunOutcome> outcomes = b.outcomes();
            System.out.printf(Locale.ROOT, "== %s (%.1f s)%n", f, (System.nanoTime() - t0) / 1e9);
            outcomes.forEach(o -> print(o, System.out, refireWindow));
            all.addAll(outcomes);
        }
        if (all.size() > 1) {
            System.out.printf(Locale.ROOT, "== total: %d runs, %d episodes, %d transitions%n", all.size(),
                    all.stream().mapToLong(o -> o.episodes().size()).sum(), all.stream().mapToLong(RunOutcome::transitions).sum());
        }
        return 0;
    }

    /** The probe's settings: its defaults (ProbeConfig's annotations) with {@code probe.*} overrides. */
    static ProbeSettings probeSettings(Map<String, String> probe) {
        if (probe.isEmpty()) {
            return ProbeSettings.defaults();
        }
        return new SmallRyeConfigBuilder().withMapping(ProbeConfig.class)
                .withSources(new PropertiesConfigSource(probe, "overrides", 500)).build()
                .getConfigMapping(ProbeConfig.class).settings();
    }

    public static void print(RunOutcome o, PrintStream out, long refireWindow) {
        out.printf(Locale.ROOT, "run %s (%s, %d snapshots, to step %d%s%s)%n", o.runId(), o.optimizer(), o.snapshots(), o.maxStep(),
                o.endEvent() == null ? ", no end event" : ", " + o.endEvent(),
                o.deadLetters() == 0 ? "" : ", " + o.deadLetters() + " dead letters");
        out.printf(Locale.ROOT, "  dead per layer at the end: %s%n", o.finalDeadPerLayer());
        for (RunOutcome.Episode e : o.episodes()) {
            out.printf(Locale.ROOT, "  FIRING step %6d%s  %-20s %-10s %s%n", e.firingStep(),
                    e.resolvedStep() == null ? "  (open)       " : String.format(Locale.ROOT, "  RESOLVED %6d", e.resolvedStep()),
                    e.rule(), e.layer(), e.summary());
        }
        StringBuilder perRule = new StringBuilder();
        for (AlertRule r : AlertRule.values()) {
            long n = o.episodesOf(r);
            if (n > 0) {
                perRule.append(perRule.length() == 0 ? "" : ", ").append(r.ruleName()).append(' ').append(n);
            }
        }
        out.printf(Locale.ROOT, "  summary: %d episodes (%s), %d transitions, at most %d per rule and layer, %d re-fired within %d steps%n",
                o.episodes().size(), perRule.length() == 0 ? "none" : perRule, o.transitions(), o.maxEpisodesPerRuleAndLayer(),
                o.refires(refireWindow), refireWindow);
        out.printf(Locale.ROOT, "  collapse (a layer >= %.0f%% dead): %s; first collapse alert: %s; lead time: %s%n",
                100 * Backtest.COLLAPSE_SHARE,
                o.collapseStep() == null ? "none" : "step " + o.collapseStep() + " (" + o.collapseLayer() + ")",
                o.firstCollapseAlertStep() == null ? "none" : "step " + o.firstCollapseAlertStep(),
                o.leadSteps() == null ? "-" : o.leadSteps() + " steps");
    }
}
