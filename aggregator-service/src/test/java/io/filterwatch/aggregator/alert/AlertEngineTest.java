package io.filterwatch.aggregator.alert;

import static io.filterwatch.aggregator.TestData.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.aggregator.runs.RunStatsCalculator;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * The rules with the defaults of AggregatorConfig.Alerts: persistence 3 summaries, clear after 3, episodes
 * open for at least 10 evaluations, layer level 3% and 3 filters (resolve 1.5%, persistence 1), one warning per layer, trend 1 point per epoch
 * over 5 epochs and 3 filters, run level 20% (resolve 15%), at-risk 10% and 3 filters, run-silent after 5 intervals
 * (at least 2 min), lost after 60 (at least 30 min). TestData: epoch = step / 1000, 1 s per step.
 */
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

    static List<Alert> of(List<Alert> alerts, AlertRule rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule.ruleName())).toList();
    }

    @Test
    void collapseFiresEachRuleOnceAfterItsPersistence() {
        List<Alert> alerts = feed(new AlertEngine(AlertSettings.defaults()), collapse("r1"));
        // level (its own persistence: 1): 2 of 32 at step 300 is 6.25% but only 2 filters; 8 of 32 at step 400: fires there, stays open
        List<Alert> level = of(alerts, AlertRule.LAYER_DEAD_FRACTION);
        assertThat(level).extracting(Alert::status).containsExactly(Alert.Status.FIRING);
        assertThat(level.get(0).step()).isEqualTo(400);
        assertThat(level.get(0).layer()).isEqualTo("conv3");
        assertThat(level.get(0).severity()).isEqualTo(Alert.Severity.WARNING);
        // run: 8 of 32 = 25% >= 20% from step 400; held 400, 500, 600: fires at 600
        assertThat(of(alerts, AlertRule.RUN_DEAD_FRACTION)).extracting(Alert::step).containsExactly(600L);
        // trend: an epoch is 1000 steps (epoch 1 begins at step 1000), its window 5 epochs = 5000 steps:
        // these 1400 steps never span it, so it stays quiet
        assertThat(of(alerts, AlertRule.LAYER_DEAD_TREND)).isEmpty();
    }

    @Test
    void slowCollapseRaisesTheTrend() {
        // 200 filters, epoch 1000 steps: one more dead every 200 steps from step 100 = 5 per epoch = 2.5 points per epoch.
        // Window 5 epochs: at step 5100 (base step 100, 0 dead) 25 more = 2.5 points/epoch >= 1 and >= 3 filters;
        // held 5100, 5200, 5300: fires at 5300 when the level is off (a user who set it high for wide layers).
        List<LayerStat> stats = new ArrayList<>();
        for (long step = 100; step <= 6000; step += 100) {
            stats.add(layer("r13", "conv9", 0, step, 200, (int) ((step - 100) / 200)));
        }
        AlertSettings noLevel = AlertSettings.withOverrides(Map.of("aggregator.alerts.layer-dead-fraction.enabled", "false"));
        List<Alert> trendOnly = feed(new AlertEngine(noLevel), stats);
        assertThat(of(trendOnly, AlertRule.LAYER_DEAD_TREND)).extracting(Alert::step).containsExactly(5300L);
        // With the defaults the level fires first (6 of 200 = 3% at step 1300) and holds the layer's one warning:
        // the trend says the same layer again, so it stays quiet while the level's episode is open.
        List<Alert> alerts = feed(new AlertEngine(AlertSettings.defaults()), stats);
        assertThat(of(alerts, AlertRule.LAYER_DEAD_FRACTION)).extracting(Alert::step).containsExactly(1300L);
        assertThat(of(alerts, AlertRule.LAYER_DEAD_TREND)).isEmpty();
    }

    @Test
    void steadyLayersBelowTheLevelOrTheMinimumNeverAlert() {
        List<LayerStat> steady = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            steady.add(layer("r2", "conv1", 0, 100L * i, 32, i % 2));   // 0 or 1 of 32: below 5%
            steady.add(layer("r2", "conv2", 1, 100L * i, 64, 2));       // 3.1%, but two filters < 3
            steady.add(layer("r2", "conv3", 2, 100L * i, 16, 2));       // 12.5%, but two filters < 3
            steady.add(layer("r2", "conv4", 3, 100L * i, 128, 3));      // three filters, but 2.3% < 3%
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
                layer("r4", "conv5", 4, 300, 16, 16), layer("r4", "conv5", 4, 400, 16, 16));
        List<Alert> alerts = of(feed(new AlertEngine(AlertSettings.defaults()), stats), AlertRule.LAYER_DEAD);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(alerts.get(0).step()).isEqualTo(400); // all dead at 200, 300, 400
    }

    @Test
    void nonFiniteFiresAtOnceAndStaysOpenTheMinimumLength() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<Alert> out = new ArrayList<>();
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 100, 32, 0, 0, "sgd", 0.5, 0)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 200, 32, 0, 0, "sgd", 0.5, 7)));
        out.addAll(engine.onProbeAlert(TestData.probeAlert("r5", "conv1", 210, Alert.Status.FIRING)));
        out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, 300, 32, 0, 0, "sgd", 0.5, 3)));
        out.addAll(engine.onProbeAlert(TestData.probeAlert("r5", "conv1", 310, Alert.Status.RESOLVED)));
        for (long step = 400; step <= 1500; step += 100) {
            out.addAll(engine.onLayerStat(layer("r5", "conv1", 0, step, 32, 0, 0, "sgd", 0.5, 0)));
        }
        assertThat(out).extracting(Alert::rule).containsOnly("non-finite");
        assertThat(out).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(out.get(0).step()).isEqualTo(200);
        // evaluations after firing: 210, 300, 310, 400 ... clean from 400 (3 clear by 600), the 10th is step 1000
        assertThat(out.get(1).step()).isEqualTo(1000);
    }

    @Test
    void atRiskNeedsAnAdaptiveOptimizerAndEnoughFilters() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<Alert> adam = new ArrayList<>();
        for (long step = 100; step <= 600; step += 100) {
            // 6 of 32 dying (19%) under adam: warns after its 6 summaries (at-risk.persistence-snapshots), with the paper's advice
            adam.addAll(engine.onLayerStat(layer("r6", "conv2", 1, step, 32, 0, 6, "adam", 3.0, 0)));
            assertThat(engine.onLayerStat(layer("r7", "conv2", 1, step, 32, 0, 6, "sgd", 3.0, 0))).isEmpty();
            // 2 of 16 dying is 12.5%, but fewer than 3 filters
            assertThat(engine.onLayerStat(layer("r9", "conv2", 1, step, 16, 0, 2, "adam", 3.0, 0))).isEmpty();
            // 3 of 64 dying: 3 filters, but 4.7% < 10%
            assertThat(engine.onLayerStat(layer("r8", "conv2", 1, step, 64, 0, 3, "adam", 3.0, 0))).isEmpty();
        }
        assertThat(adam).hasSize(1);
        assertThat(adam.get(0).rule()).isEqualTo("at-risk");
        assertThat(adam.get(0).step()).isEqualTo(600);
        assertThat(adam.get(0).description()).contains("decoupled weight decay").contains("lower L2").contains("larger mini-batch");
    }

    @Test
    void atRiskWarnsOnTheSelectiveMinorityWhateverTheLayersMedian() {
        // The corpus' RMSProp case: 14 of 64 filters DYING (each one's own gamma dominated) while the median
        // dominance over the live filters is 0.5. A layer-wide median gate would stay quiet; the rule does not.
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<Alert> out = new ArrayList<>();
        for (long step = 100; step <= 600; step += 100) {
            out.addAll(engine.onLayerStat(layer("r11", "conv4", 3, step, 64, 0, 14, "rmsprop", 0.5, 0)));
        }
        assertThat(of(out, AlertRule.AT_RISK)).extracting(Alert::step).containsExactly(600L);
        assertThat(out.get(0).description()).contains("14 of the 64 live filters").contains("Median gamma dominance of the live filters: 0.50");
    }

    @Test
    void aCollapsingLayerGetsOneWarningThatLastsWhileAnyOfItsConditionsHolds() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        List<Alert> out = new ArrayList<>();
        long step = 0;
        // 14 of 64 dying: at-risk fires at step 600
        for (int i = 0; i < 8; i++) {
            out.addAll(engine.onLayerStat(layer("r12", "conv4", 3, step += 100, 64, 0, 14, "adam", 0.5, 0)));
        }
        // they die: dying 2 (3% of the live: below at-risk's resolve level), dead 10 (15.6%: the level's condition).
        // The level does not open a second warning, and at-risk stays open on the level's condition.
        for (int i = 0; i < 20; i++) {
            out.addAll(engine.onLayerStat(layer("r12", "conv4", 3, step += 100, 64, 10, 2, "adam", 0.5, 0)));
        }
        List<Alert> warnings = out.stream().filter(a -> AlertRule.byName(a.rule()).map(AlertRule.layerWarnings()::contains).orElse(false))
                .toList();
        assertThat(warnings).extracting(Alert::rule, Alert::status, Alert::step)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("at-risk", Alert.Status.FIRING, 600L));
        // the layer recovers (all filters alive): none of the three holds, the one episode resolves after 3 clear summaries
        for (int i = 0; i < 3; i++) {
            out.addAll(engine.onLayerStat(layer("r12", "conv4", 3, step += 100, 64, 0, 0, "adam", 0.5, 0)));
        }
        assertThat(of(out, AlertRule.AT_RISK)).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(of(out, AlertRule.LAYER_DEAD_FRACTION)).isEmpty();
    }

    @Test
    void atRiskMedianInTheDescriptionLeavesDeadFiltersOut() {
        AlertEngine engine = new AlertEngine(AlertSettings.withOverrides(Map.of("aggregator.alerts.layer-dead-fraction.enabled", "false")));
        List<Alert> out = new ArrayList<>();
        for (long step = 100; step <= 600; step += 100) {
            // 16 filters: 8 dead at the dominance cap 1e6, 8 live at 0.5 (4 of them dying). Over all 16 the median is
            // (0.5 + 1e6) / 2; over the live ones it is 0.5, which is what the description reports.
            for (int f = 0; f < 16; f++) {
                boolean dead = f < 8;
                engine.onFilterStat(filter("r10", "conv1", f, step, dead ? FilterState.DEAD : f < 12 ? FilterState.DYING : FilterState.ALIVE,
                        dead, dead ? 0.01 : 0.5, dead ? 1e6 : 0.5));
            }
            out.addAll(engine.onLayerStat(layer("r10", "conv1", 0, step, 16, 8, 4, "adam", (0.5 + 1e6) / 2, 0)));
        }
        assertThat(of(out, AlertRule.AT_RISK)).extracting(Alert::step).containsExactly(600L);
        assertThat(of(out, AlertRule.AT_RISK).get(0).description()).contains("4 of the 8 live filters")
                .contains("Median gamma dominance of the live filters: 0.50");
    }

    @Test
    void scaleTestHasHysteresis() {
        LayerView v = new LayerView(2e-3);
        v.update(filter("r", "l", 0, 100, FilterState.DEAD, false, 0.9e-3, 0.5));
        assertThat(v.deadCount(1)).isEqualTo(1);
        v.update(filter("r", "l", 0, 200, FilterState.ALIVE, false, 1.5e-3, 0.5)); // above 1e-3, below 2e-3: still dead
        assertThat(v.deadCount(1)).isEqualTo(1);
        v.update(filter("r", "l", 0, 300, FilterState.ALIVE, false, 2.0e-3, 0.5)); // reached the release level
        assertThat(v.deadCount(1)).isZero();
        v.update(filter("r", "l", 0, 400, FilterState.ALIVE, false, 1.5e-3, 0.5)); // alive stays alive above 1e-3
        assertThat(v.deadCount(1)).isZero();
    }

    @Test
    void runLevelHasHysteresisAndAMinimumEpisodeLength() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        RunStatsCalculator calc = new RunStatsCalculator();
        // of 100 filters: 21, 22, 21 fire at step 300; 19, 16, 21, 17 stay above the 15% resolve level;
        // 10 from step 800: clear 3 times by 1000, but the episode must have lasted 10 evaluations: 1300
        int[] dead = {21, 22, 21, 19, 16, 21, 17, 10, 10, 10, 10, 10, 10, 10, 10};
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < dead.length; i++) {
            for (RunStats rs : calc.onLayerStat(layer("r11", "conv1", 0, 100L * (i + 1), 100, dead[i]))) {
                out.addAll(engine.onRunStats(rs));
            }
        }
        assertThat(out).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(out).extracting(Alert::step).containsExactly(300L, 1300L);
    }

    @Test
    void aRunThatGoesQuietIsSilentThenLostMeasuredInItsOwnPace() {
        AlertEngine engine = new AlertEngine(AlertSettings.defaults());
        engine.onRunEvent(TestData.event("r12", RunEvent.Type.STARTED, 0, null, null));
        for (long step = 100; step <= 500; step += 100) {
            engine.onLayerStat(layer("r12", "conv1", 0, step, 32, 0)); // one summary per 100 s
        }
        long last = TestData.time(500);
        // pace 100 s: silent after max(2 min, 5 x 100 s) = 500 s
        assertThat(engine.onTick(last + 499_000)).isEmpty();
        List<Alert> silent = engine.onTick(last + 520_000);
        assertThat(silent).extracting(Alert::rule, Alert::status, Alert::step, Alert::wallClockMillis)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("run-silent", Alert.Status.FIRING, 500L, last + 500_000));
        assertThat(engine.onTick(last + 600_000)).isEmpty();
        // a later tick (another aggregator, after a restart) gives the same id and time
        AlertEngine other = new AlertEngine(AlertSettings.defaults());
        other.onRunEvent(TestData.event("r12", RunEvent.Type.STARTED, 0, null, null));
        for (long step = 100; step <= 500; step += 100) {
            other.onLayerStat(layer("r12", "conv1", 0, step, 32, 0));
        }
        assertThat(other.onTick(last + 900_000)).isEqualTo(silent);
        // data resumes: resolved
        List<Alert> resumed = engine.onLayerStat(layer("r12", "conv1", 0, 600, 32, 0));
        assertThat(resumed).extracting(Alert::rule, Alert::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("run-silent", Alert.Status.RESOLVED));
        assertThat(resumed.get(0).id()).isEqualTo(silent.get(0).id());
        // quiet again for 60 x 100 s = 100 min (more than 30 min): lost, critical; its FINISHED resolves it
        long last2 = TestData.time(600);
        List<Alert> lost = engine.onTick(last2 + 6_000_000);
        assertThat(lost).extracting(Alert::rule).containsExactly("run-lost");
        assertThat(lost.get(0).severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(engine.onRunEvent(TestData.event("r12", RunEvent.Type.FINISHED, 600, 0.3, 0.9)))
                .extracting(Alert::rule, Alert::status).containsExactly(org.assertj.core.groups.Tuple.tuple("run-lost", Alert.Status.RESOLVED));
        assertThat(engine.onTick(last2 + 100_000_000)).isEmpty();
    }

    @Test
    void settingsComeFromTheConfigMappingAndOverridesAreChecked() {
        AlertSettings s = AlertSettings.withOverrides(Map.of("aggregator.alerts.layer-dead-fraction.fraction", "0.1",
                "aggregator.alerts.run-silent.min-silence", "90s"));
        assertThat(s.levelFraction()).isEqualTo(0.1);
        assertThat(s.silentMinSilence()).hasSeconds(90);
        assertThat(s.persistence()).isEqualTo(AlertSettings.defaults().persistence());
        assertThatThrownBy(() -> AlertSettings.withOverrides(Map.of("aggregator.alerts.rise.points", "10")))
                .hasMessageContaining("unknown alert setting");
    }

    static FilterStat filter(String run, String layer, int f, long step, FilterState state, boolean deadByActivation, double gamma,
                             double dominance) {
        float g = (float) gamma;
        return new FilterStat(run, layer, 0, f, step, (int) (step / 1000), TestData.time(step), state, step, deadByActivation,
                Math.abs(g) < 1e-3, false, null, 1000, 1f, 0.5, 0.2, 0.4, 0.3, g, 0.1f, 1.5f, dominance, 1.0, 1.0, null, null, false);
    }
}
