package io.filterwatch.console.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.AlertRule;

/**
 * The alert rules' goals, checked on the labelled corpus with the default settings (docs/operations.md,
 * "Alerts"): no episode on a healthy run; every collapse caught before its layer passes 10% dead; at most
 * one episode per rule and layer; the demo's run at most 5 transitions and nothing that resolves and
 * fires again within 500 steps. A rule change that breaks one of them fails the build. The numbers go
 * to target/backtest-corpus.txt (the table in the docs is copied from it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BacktestCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");
    /** The demo's probe settings (dev/run-demo: --window-samples 12800). */
    static final Map<String, String> DEMO_PROBE = Map.of("probe.window.samples", "12800");

    /** collapsing: filters die (a layer reaches 10% dead); healthy: they do not; demo: dev/run-demo's run, judged on quiet only. */
    enum Label { COLLAPSING, HEALTHY, DEMO }

    record Case(String name, Label label, boolean recorded, RunOutcome outcome, double seconds) {
        boolean collapsing() {
            return label == Label.COLLAPSING;
        }
    }

    final List<Case> cases = new ArrayList<>();

    @BeforeAll
    void replayCorpus() throws IOException {
        AlertSettings alerts = AlertSettings.defaults();
        for (CorpusTraces.Trace t : CorpusTraces.all()) {
            long t0 = System.nanoTime();
            Backtest b = new Backtest(ProbeSettings.defaults(), alerts);
            t.feed().accept(CorpusTraces.Sink.into(b));
            cases.add(new Case(t.name(), t.collapsing() ? Label.COLLAPSING : Label.HEALTHY, false, single(b), (System.nanoTime() - t0) / 1e9));
        }
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".fwrec.gz")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".fwrec.gz", "");
                long t0 = System.nanoTime();
                ProbeSettings probe = name.contains("demo") ? BacktestCommand.probeSettings(DEMO_PROBE) : ProbeSettings.defaults();
                Backtest b = new Backtest(probe, alerts);
                b.replay(Recording.read(f));
                Label label = Label.valueOf(name.substring(0, name.indexOf('-')).toUpperCase(Locale.ROOT));
                cases.add(new Case(name, label, true, single(b), (System.nanoTime() - t0) / 1e9));
            }
        }
        writeReport();
    }

    private static RunOutcome single(Backtest b) {
        assertThat(b.outcomes()).hasSize(1);
        return b.outcomes().get(0);
    }

    @Test
    void corpusHasCollapsingAndHealthyRuns() {
        // issue 14: at least 4 collapsing and 4 healthy runs recorded from the real trainer and probe, plus generated traces
        assertThat(cases.stream().filter(c -> c.recorded() && c.collapsing()).map(Case::name)).hasSizeGreaterThanOrEqualTo(4);
        assertThat(cases.stream().filter(c -> c.recorded() && c.label() == Label.HEALTHY).map(Case::name)).hasSizeGreaterThanOrEqualTo(4);
        assertThat(cases.stream().filter(c -> !c.recorded() && c.collapsing()).map(Case::name)).isNotEmpty();
        assertThat(cases.stream().filter(c -> !c.recorded() && c.label() == Label.HEALTHY).map(Case::name)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(cases).allSatisfy(c -> assertThat(c.outcome().deadLetters()).as(c.name() + " dead letters").isZero());
    }

    @Test
    void healthyRunsRaiseNoEpisode() {
        for (Case c : cases) {
            if (c.label() == Label.HEALTHY) {
                assertThat(c.outcome().episodes()).as(c.name() + " episodes").isEmpty();
                assertThat(c.outcome().collapseStep()).as(c.name() + " is healthy: no layer reaches 10% dead").isNull();
            }
        }
    }

    @Test
    void everyCollapseIsCaughtBeforeItsLayerPasses10PercentDead() {
        for (Case c : cases) {
            RunOutcome o = c.outcome();
            if (c.collapsing()) {
                // a label is a claim about the run: a "collapsing" run that never reached 10% is mislabelled
                assertThat(o.collapseStep()).as(c.name() + " reaches " + 100 * Backtest.COLLAPSE_SHARE + "% dead in a layer").isNotNull();
            }
            if (o.collapseStep() != null) {
                assertThat(o.firstCollapseAlertStep()).as(c.name() + " first collapse alert").isNotNull();
                assertThat(o.leadSteps()).as(c.name() + " lead time before " + o.collapseLayer() + " passed 10% dead").isPositive();
            }
        }
        assertThat(cases.stream().filter(c -> c.collapsing() && c.outcome().collapseStep() != null).map(Case::name))
                .as("collapses in the corpus").isNotEmpty();
    }

    @Test
    void atMostOneEpisodePerRuleAndLayer() {
        for (Case c : cases) {
            assertThat(c.outcome().maxEpisodesPerRuleAndLayer()).as(c.name()).isLessThanOrEqualTo(1);
            assertThat(c.outcome().maxWarningsPerLayer()).as(c.name() + " warnings on one layer").isLessThanOrEqualTo(1);
            assertThat(c.outcome().refires(500)).as(c.name() + " re-fired within 500 steps").isZero();
        }
    }

    @Test
    void theDemoRunStaysQuiet() {
        List<Case> demo = cases.stream().filter(c -> c.name().contains("demo")).toList();
        assertThat(demo).as("a recording of dev/run-demo's default run").isNotEmpty();
        for (Case c : demo) {
            assertThat(c.outcome().transitions()).as(c.name() + " transitions").isLessThanOrEqualTo(5);
            assertThat(c.outcome().refires(500)).as(c.name()).isZero();
        }
    }

    private void writeReport() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Map<AlertRule, long[]> perRule = new EnumMap<>(AlertRule.class); // episodes by Label's ordinal
        for (Case c : cases) {
            out.printf(Locale.ROOT, "### %s (%s, %.1f s)%n", c.name(), c.label().name().toLowerCase(Locale.ROOT), c.seconds());
            BacktestCommand.print(c.outcome(), out, 500);
            for (AlertRule r : AlertRule.values()) {
                perRule.computeIfAbsent(r, k -> new long[Label.values().length])[c.label().ordinal()] += c.outcome().episodesOf(r);
            }
        }
        out.println("### per rule: episodes on collapsing / healthy / demo runs");
        perRule.forEach((r, n) -> out.printf(Locale.ROOT, "%-20s %d / %d / %d%n", r.ruleName(), n[0], n[1], n[2]));
        out.printf(Locale.ROOT, "| run | label | episodes | transitions | collapse step (layer) | first collapse alert | lead (steps) |%n");
        for (Case c : cases) {
            RunOutcome o = c.outcome();
            out.printf(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s |%n", c.name(), c.label().name().toLowerCase(Locale.ROOT),
                    o.episodes().size(), o.transitions(),
                    o.collapseStep() == null ? "-" : o.collapseStep() + " (" + o.collapseLayer() + ")",
                    o.firstCollapseAlertStep() == null ? "-" : o.firstCollapseAlertStep().toString(),
                    o.leadSteps() == null ? "-" : o.leadSteps().toString());
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/backtest-corpus.txt"), buf.toString(StandardCharsets.UTF_8));
        System.out.print(buf.toString(StandardCharsets.UTF_8));
    }
}
