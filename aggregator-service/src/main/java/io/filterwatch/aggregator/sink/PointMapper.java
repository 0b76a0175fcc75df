package io.filterwatch.aggregator.sink;

import java.util.List;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/**
 * Records to line-protocol points, exactly the schema of {@link InfluxSchema} (docs/metrics.md,
 * "InfluxDB schema"; {@code InfluxSchemaContractTest} checks every point against it). The time of
 * every point is the record's own wall-clock millis, so a replayed record overwrites its point
 * instead of adding one. Integers are always written as integers and floats always as floats: InfluxDB 1.x
 * rejects a batch whose field type differs from the type already stored in the shard. Tags are added
 * in key order.
 */
public final class PointMapper {
    private PointMapper() {
    }

    public static String layerStat(LayerStat s) {
        LineProtocol p = LineProtocol.measurement(InfluxSchema.LAYER_STATS)
                .tag(Tags.LAYER, s.layer())
                .tag(Tags.OPTIMIZER, s.optimizer())
                .tag(Tags.RUN, s.runId())
                .field(Fields.STEP, s.step())
                .field(Fields.EPOCH, s.epoch())
                .field(Fields.LAYER_INDEX, s.layerIndex())
                .field(Fields.FILTER_COUNT, s.filterCount())
                .field(Fields.ALIVE, s.alive())
                .field(Fields.DYING, s.dying())
                .field(Fields.DEAD, s.dead())
                .field(Fields.REVIVED, s.revived())
                .field(Fields.SILENT, s.silent())
                .field(Fields.ACTIVATION_TEST_DECIDED, s.activationTestDecided() ? 1L : 0L)
                .field(Fields.DEAD_BY_ACTIVATION, s.deadByActivation())
                .field(Fields.DEAD_BY_SCALE, s.deadByScale())
                .field(Fields.DEAD_BY_BOTH, s.deadByBoth())
                .field(Fields.DEAD_PARAMS, s.deadParams())
                .field(Fields.DEAD_FLOPS, s.deadFlops())
                .field(Fields.NON_FINITE_VALUES, s.nonFiniteValues())
                .field(Fields.WINDOW_SAMPLES, s.windowSamples())
                .field(Fields.BATCH_SIZE, s.batchSize())
                .field(Fields.DEAD_FRACTION, s.deadFraction())
                .field(Fields.DEAD_BY_ACTIVATION_FRACTION, s.deadByActivationFraction())
                .field(Fields.DEAD_BY_SCALE_FRACTION, s.deadByScaleFraction())
                .field(Fields.MEDIAN_GAMMA_DOMINANCE, s.medianGammaDominance())
                .field(Fields.P90_GAMMA_DOMINANCE, s.p90GammaDominance())
                .field(Fields.MEDIAN_BETA_DOMINANCE, s.medianBetaDominance())
                .field(Fields.P90_BETA_DOMINANCE, s.p90BetaDominance())
                .field(Fields.MEDIAN_WEIGHT_DOMINANCE, s.medianWeightDominance())
                .field(Fields.MEDIAN_ADAPTIVE_DECAY_RATIO, s.medianAdaptiveDecayRatio())
                .field(Fields.MEDIAN_REGULARISER_STEP_SHARE, s.medianRegulariserStepShare())
                .field(Fields.DEAD_FLOPS_SHARE, s.deadFlopsShare())
                .field(Fields.DEAD_PARAMS_SHARE, s.deadParamsShare())
                .field(Fields.LEARNING_RATE, s.learningRate())
                .field(Fields.L2, s.l2())
                .field(Fields.WEIGHT_DECAY, s.weightDecay());
        List<Integer> bins = s.selectivityHistogram();
        if (bins != null) {
            for (int i = 0; i < Math.min(bins.size(), Fields.SELECTIVITY_BINS.size()); i++) {
                if (bins.get(i) != null) {
                    p.field(Fields.selectivityBin(i), bins.get(i).longValue());
                }
            }
        }
        return p.time(s.wallClockMillis());
    }

    /**
     * A refresh ({@link FilterStat#refresh()}: nothing moved beyond tolerance since the filter's last full
     * point) writes only {@link InfluxSchema#FILTER_REFRESH_FIELDS}: the rest would restate what its last
     * full point holds, and every value written costs InfluxDB a TSM key per series and field.
     */
    public static String filterStat(FilterStat s) {
        FilterState state = s.state() == null ? FilterState.ALIVE : s.state();
        return LineProtocol.measurement(InfluxSchema.FILTER_STATS)
                .tag(Tags.FILTER, Integer.toString(s.filter()))
                .tag(Tags.LAYER, s.layer())
                .tag(Tags.RUN, s.runId())
                .only(s.refresh() ? InfluxSchema.FILTER_REFRESH_FIELDS : null)
                .field(Fields.STEP, s.step())
                .field(Fields.EPOCH, s.epoch())
                .field(Fields.STATE, state.name())
                .field(Fields.STATE_CODE, stateCode(state))
                .field(Fields.STATE_SINCE_STEP, s.stateSinceStep())
                .field(Fields.DEAD_BY_ACTIVATION, s.deadByActivation() == null ? null : s.deadByActivation() ? 1L : 0L)
                .field(Fields.DEAD_BY_SCALE, s.deadByScale() ? 1L : 0L)
                .field(Fields.SILENT, s.silent() ? 1L : 0L)
                .field(Fields.LAST_FIRED_STEP, s.lastFiredStep())
                .field(Fields.ACTIVITY_RATE, s.activityRate())
                .field(Fields.SELECTIVITY, s.selectivity())
                .field(Fields.SPATIAL_ACTIVITY, s.spatialActivity())
                .field(Fields.MEAN_RESPONSE, s.meanResponse())
                .field(Fields.WINDOW_MAX_RESPONSE, s.windowMaxResponse())
                .field(Fields.GAMMA, s.gamma())
                .field(Fields.BETA, s.beta())
                .field(Fields.WEIGHT_NORM, s.weightNorm())
                .field(Fields.GAMMA_DOMINANCE, s.gammaDominance())
                .field(Fields.BETA_DOMINANCE, s.betaDominance())
                .field(Fields.WEIGHT_DOMINANCE, s.weightDominance())
                .field(Fields.ADAPTIVE_DECAY_RATIO, s.adaptiveDecayRatio())
                .field(Fields.REGULARISER_STEP_SHARE, s.regulariserStepShare())
                .time(s.wallClockMillis());
    }

    public static String runStats(RunStats s) {
        return LineProtocol.measurement(InfluxSchema.RUN_STATS)
                .tag(Tags.RUN, s.runId())
                .field(Fields.STEP, s.step())
                .field(Fields.FILTERS, s.filters())
                .field(Fields.ALIVE, s.alive())
                .field(Fields.DYING, s.dying())
                .field(Fields.DEAD, s.dead())
                .field(Fields.DEAD_BY_ACTIVATION, s.deadByActivation())
                .field(Fields.DEAD_BY_SCALE, s.deadByScale())
                .field(Fields.SILENT, s.silent())
                .field(Fields.LAYERS, s.layers())
                .field(Fields.DEAD_FRACTION, s.deadFraction())
                .time(s.wallClockMillis());
    }

    public static String runEvent(RunEvent e) {
        return LineProtocol.measurement(InfluxSchema.RUN_EVENTS)
                .tag(Tags.RUN, e.runId())
                .tag(Tags.TYPE, e.type() == null ? "UNKNOWN" : e.type().name())
                .field(Fields.STEP, e.step())
                .field(Fields.EPOCH, e.epoch())
                .field(Fields.LOSS, e.loss())
                .field(Fields.ACCURACY, e.accuracy())
                .field(Fields.MESSAGE, e.message())
                .time(e.wallClockMillis());
    }

    public static String alert(Alert a) {
        boolean firing = a.status() == Alert.Status.FIRING;
        return LineProtocol.measurement(InfluxSchema.ALERTS)
                .tag(Tags.LAYER, a.layer() == null || a.layer().isEmpty() ? InfluxSchema.NO_LAYER : a.layer())
                .tag(Tags.RULE, a.rule())
                .tag(Tags.RUN, a.runId())
                .tag(Tags.SEVERITY, a.severity() == null ? "WARNING" : a.severity().name())
                .field(Fields.ID, a.id() == null ? "" : a.id())
                .field(Fields.STATUS, firing ? "FIRING" : "RESOLVED")
                .field(Fields.FIRING, firing ? 1L : 0L)
                .field(Fields.STEP, a.step())
                .field(Fields.SUMMARY, a.summary())
                .field(Fields.DESCRIPTION, a.description())
                .time(a.wallClockMillis());
    }

    public static int stateCode(FilterState state) {
        return switch (state) {
            case ALIVE -> 0;
            case DYING -> 1;
            case DEAD -> 2;
            case REVIVED -> 3;
            case SILENT -> 4;
        };
    }
}
