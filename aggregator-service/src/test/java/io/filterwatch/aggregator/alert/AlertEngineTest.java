package io.filterwatch.aggregator.alert;

import static io.filterwatch.aggregator.TestData.layer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.aggregator.runs.RunStatsCalculator;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.LayerStat;

class AlertEngineTest {

    /** Collapse of conv3: 0, 0, 2, 8, 14, 20, 20 ... dead of 32 filters, every 100 steps, then stable. */
    static List<LayerStat> collapse(String run) {
        int[] dead = {0, 0, 2, 8, 14, 20, 20, 20, 20, 20, 20, 20, 20, 20};
        List<LayerStat> out = new ArrayList<>();
        for (int i = 0; i < dead.length; i++) {
            out.add(layer(run, "conv3", 2, 100L * (i + 1), 32, dead[i]));
        }
        return out;
    }

    static List<Alert> feed(AlertEngine engine, List<LayerStat> stats) {
        List<Alert> out = new ArrayList<>();
        RunStatsCalculator calc = new RunStatsCalculator();
        for (LayerStat s : stats) {
            out.addAll(engine.onLayerStat(s));
            for (RunStats rs : calc.onLayerStat(s)) {
                out.addAll(engine.onRunStats(rs));
            }
        }
        return out;
    }

    @Test
    void collapseFiresTheRiseAlertOnceAndResolvesAfterItLevelsOff() {
        List<Alert> alerts = feed(new AlertEngine(AlertSettings.defaults()), collapse("r1"));
        List<Alert> rise = alerts.stream().filter(a -> a.rule().equals("layer-dead-fraction-rise")).toList();
        assertThat(rise).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        // 0 -> 8 of 32 is +25 points within 500 steps: fires at step 400.
        assertThat(rise.get(0).step()).isEqualTo(400);
        assertThat(rise.get(0).layer()).isEqualTo("conv3");
        assertThat(rise.get(1).id()).isEqualTo(rise.get(0).id());
        // 20 of 32 = 62.5% dead: the run-level rule (one layer) fires too, once, and never resolves.
        assertThat(alerts.stream().filter(a -> a.rule().equals("run-dead-fraction")))
                .extracting(Alert::status).containsExactly(Alert.Status.FIRING);
    }

    @Test
    void steadyRunNeverAlerts() {
        List<LayerStat> steady = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            // 3 of 32 dead, a filter more or less now and then: 3 points of noise, below every threshold.
            steady.add(layer("r2", "conv1", 0, 100L * i, 32, 3 + (i % 2)));
            steady.add(layer("r2", "conv2", 1, 100L * i, 64, 5));
        }
        assertThat(feed(new AlertEngine(AlertSettings.defaults()), steady)).isEmpty();
    }

    @Test
    void replayGivesTheSameAlertsWithTheSameIds() {
        List<Alert> first = feed(new AlertEngine(AlertSettings.defaults()), collapse("r3"));
        List<Alert> second = feed(new AlertEngine(AlertSettings.defaults()), collapse("r3"));
        assertThat(second).isEqualTo(first).isNotEmpty();
        // A duplicated old summary (probe re-sent it after a restart) changes nothing.
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<LayerStat> dup = new ArrayList<>(collapse("r3"));
        dup.add(4, dup.get(2));
        assertThat(feed(engine, dup)).isEqualTo(first);
    }

    @Test
    void wholeLayerDeathIsCritical() {
        List<LayerStat> stats = List.of(layer("r4", "conv5", 4, 100, 16, 15), layer("r4", "conv5", 4, 200, 16, 16),
                layer("r4", "conv5", 4, 300, 16, 16));
        List<Alert> alerts = feed(new AlertEngine(AlertSettings.defaults()), stats).stream()
                .filter(a -> a.rule().equals("layer-dead")).toList();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(alerts.get(0).step()).isEqualTo(200);
    }

    @Test
    void nonFiniteFromStatsOrProbeFiresOncePerEpisode() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<Alert> out = new ArrayList<>();
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 100, 32, 0, 0, "sgd", 0.5, 0)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 200, 32, 0, 0, "sgd", 0.5, 7)));
        out.addAll(engine.onProbeAlert(TestData.probeAlert("r5", "conv1", 210, Alert.Status.FIRING)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 300, 32, 0, 0, "sgd", 0.5, 3)));
        out.addAll(engine.onProbeAlert(TestData.probeAlert("r5", "conv1", 310, Alert.Status.RESOLVED)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 400, 32, 0, 0, "sgd", 0.5, 0)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 500, 32, 0, 0, "sgd", 0.5, 0)));
        assertThat(out).extracting(Alert::rule).containsOnly("non-finite");
        assertThat(out).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(out.get(0).step()).isEqualTo(200);
    }

    @Test
    void atRiskNeedsAnAdaptiveOptimizerAndADominatingRegulariser() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        // 6 of 32 dying (19%) with gamma dominance 3 under adam: warn, with the paper's advice.
        List<Alert> adam = engine.onLayerStat(layer("r6", "conv2", 1, 100, 32, 0, 6, "adam", 3.0, 0));
        assertThat(adam).hasSize(1);
        assertThat(adam.get(0).rule()).isEqualTo("at-risk");
        assertThat(adam.get(0).description()).contains("decoupled weight decay").contains("lower L2").contains("larger mini-batch");
        assertThat(engine.onLayerStat(layer("r7", "conv2", 1, 100, 32, 0, 6, "sgd", 3.0, 0))).isEmpty();
        assertThat(engine.onLayerStat(layer("r8", "conv2", 1, 100, 32, 0, 6, "adam", 0.4, 0))).isEmpty();
    }

    @Test
    void hysteresisKeepsTheRunAlertFromFlapping() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        RunStatsCalculator calc = new RunStatsCalculator();
        // 31%, 29%, 31%, 28%, 31%: around the 30% threshold but above the 25% resolve threshold.
        int[] dead = {31, 29, 31, 28, 31, 20, 20};
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < dead.length; i++) {
            for (RunStats rs : calc.onLayerStat(layer("r9", "conv1", 0, 100L * (i + 1), 100, dead[i]))) {
                out.addAll(engine.onRunStats(rs));
            }
        }
        assertThat(out).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(out.get(1).step()).isEqualTo(700);
    }
}
