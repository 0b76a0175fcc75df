package io.filterwatch.aggregator.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.LinePoint;

class PointMapperTest {

    @Test
    void layerStatLineHasTheDocumentedTagsFieldsAndTypes() {
        String line = PointMapper.layerStat(TestData.layer("run-1", "conv2", 1, 300, 64, 8, 4, "adam", 2.5, 0));
        assertThat(line).startsWith("layer_stats,layer=conv2,optimizer=adam,run=run-1 ");
        assertThat(line).contains("step=300i", "filter_count=64i", "dead=8i", "dying=4i", "dead_fraction=0.125",
                "sel_bin_0=56i", "sel_bin_9=8i", "median_gamma_dominance=2.5", "batch_size=64i", "window_samples=1000i");
        assertThat(line).doesNotContain("median_adaptive_decay_ratio").doesNotContain("median_regulariser_step_share");
        assertThat(line).endsWith(" " + TestData.time(300));
    }

    @Test
    void layerStatCarriesTheRegularisersStepShareWhenDefined() {
        var s = TestData.layer("run-1", "conv2", 1, 300, 64, 8, 4, "adam", 2.5, 0);
        var withShare = new io.filterwatch.protocol.LayerStat(s.runId(), s.layer(), s.layerIndex(), s.step(), s.epoch(),
                s.wallClockMillis(), s.workers(), s.optimizer(), s.learningRate(), s.l2(), s.weightDecay(),
                s.batchSize(), s.windowSamples(), s.filterCount(), s.alive(), s.dying(), s.dead(), s.revived(),
                s.deadByActivation(), s.deadByScale(), s.deadByBoth(), s.deadFraction(), s.deadByActivationFraction(),
                s.deadByScaleFraction(), s.selectivityHistogram(), s.medianGammaDominance(), s.p90GammaDominance(),
                s.medianBetaDominance(), s.p90BetaDominance(), s.medianWeightDominance(), s.medianAdaptiveDecayRatio(),
                s.deadFlopsShare(), s.deadParamsShare(), s.deadParams(), s.deadFlops(), s.nonFiniteValues(), 0.875,
                s.silent(), s.activationTestDecided());
        assertThat(PointMapper.layerStat(withShare)).contains("median_regulariser_step_share=0.875");
    }

    @Test
    void filterStatHasStateAsStringAndCode() {
        String line = PointMapper.filterStat(TestData.filter("run-1", "conv2", 1, 17, 300, FilterState.DEAD, true, 5e-4, -0.2));
        assertThat(line).startsWith("filter_stats,filter=17,layer=conv2,run=run-1 ");
        // gamma is the float 5e-4f; the InfluxDB field is that float widened to double, as the probe's gamma always was
        assertThat(line).contains("state=\"DEAD\"", "state_code=2i", "dead_by_activation=1i", "dead_by_scale=1i",
                "gamma=5.000000237487257E-4", "beta=-0.20000000298023224", "weight_norm=1.5");
        assertThat(line).doesNotContain("spatial_activity").doesNotContain("adaptive_decay_ratio");
        // dead by the paper's test: silent too, never fired
        assertThat(line).contains("silent=1i").doesNotContain("last_fired_step");
    }

    @Test
    void anUndecidedActivationTestIsOmittedAndSilentHasItsOwnCode() {
        var f = TestData.filter("run-1", "conv2", 1, 17, 300, FilterState.SILENT, false, 0.5, -0.2);
        var undecided = new io.filterwatch.protocol.FilterStat(f.runId(), f.layer(), f.layerIndex(), f.filter(), f.step(),
                f.epoch(), f.wallClockMillis(), FilterState.SILENT, f.stateSinceStep(), null, false, true, 120L,
                f.windowSamples(), f.windowMaxResponse(), f.activityRate(), f.selectivity(), f.spatialActivity(),
                f.meanResponse(), f.gamma(), f.beta(), f.weightNorm(), f.gammaDominance(), f.betaDominance(),
                f.weightDominance(), f.adaptiveDecayRatio(), 0.25, f.refresh());
        String line = PointMapper.filterStat(undecided);
        assertThat(line).contains("state=\"SILENT\"", "state_code=4i", "silent=1i", "last_fired_step=120i",
                "regulariser_step_share=0.25").doesNotContain("dead_by_activation");
    }

    /** A refresh writes the 13 fields of FILTER_REFRESH_FIELDS, the same values as a full point, and no other. */
    @Test
    void aRefreshWritesOnlyTheRefreshFields() {
        var f = TestData.filter("run-1", "conv2", 1, 17, 300, FilterState.ALIVE, false, 0.5, -0.2);
        var full = new io.filterwatch.protocol.FilterStat(f.runId(), f.layer(), f.layerIndex(), f.filter(), f.step(),
                f.epoch(), f.wallClockMillis(), f.state(), f.stateSinceStep(), false, false, false, 290L,
                f.windowSamples(), f.windowMaxResponse(), f.activityRate(), 0.7, 0.2, f.meanResponse(), f.gamma(), f.beta(),
                f.weightNorm(), 2.0, 1.1, 50.0, 0.3, 0.25, false);
        var refresh = new io.filterwatch.protocol.FilterStat(full.runId(), full.layer(), full.layerIndex(), full.filter(),
                full.step(), full.epoch(), full.wallClockMillis(), full.state(), full.stateSinceStep(), full.deadByActivation(),
                full.deadByScale(), full.silent(), full.lastFiredStep(), full.windowSamples(), full.windowMaxResponse(),
                full.activityRate(), full.selectivity(), full.spatialActivity(), full.meanResponse(), full.gamma(), full.beta(),
                full.weightNorm(), full.gammaDominance(), full.betaDominance(), full.weightDominance(),
                full.adaptiveDecayRatio(), full.regulariserStepShare(), true);
        LinePoint all = LinePoint.parse(PointMapper.filterStat(full));
        LinePoint some = LinePoint.parse(PointMapper.filterStat(refresh));

        assertThat(all.fields()).hasSize(22);
        assertThat(some.fields().keySet()).containsExactlyInAnyOrderElementsOf(
                InfluxSchema.FILTER_REFRESH_FIELDS.stream().map(InfluxSchema.Field::name).toList());
        some.fields().forEach((k, v) -> assertThat(v).as(k).isEqualTo(all.fields().get(k)));
        assertThat(some.tags()).isEqualTo(all.tags());
        assertThat(some.time()).isEqualTo(all.time());
    }

    @Test
    void escapesNamesAndStringsAndSkipsNonFiniteValues() {
        String line = LineProtocol.measurement("m").tag("layer", "block 1,conv=2").tag("run", "")
                .field("message", "say \"hi\" \\ bye").field("nan", Double.NaN).field("x", 1.5).time(7);
        assertThat(line).isEqualTo("m,layer=block\\ 1\\,conv\\=2,run=unknown message=\"say \\\"hi\\\" \\\\ bye\",x=1.5 7");
    }
}
