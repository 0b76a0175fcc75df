package io.filterwatch.aggregator.sink;

import java.util.List;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * Records to line-protocol points, exactly the schema of {@code docs/metrics.md}. The time of every
 * point is the record's own wall-clock millis, so a replayed record overwrites its point instead of
 * adding one. Integers are always written as integers and floats always as floats: InfluxDB 1.x
 * rejects a batch whose field type differs from the type already stored in the shard. Tags are added
 * in key order.
 */
public final class PointMapper {
    public static final int SELECTIVITY_BINS = 10;

    private PointMapper() {
    }

    public static String layerStat(LayerStat s) {
        LineProtocol p = LineProtocol.measurement(Measurements.LAYER_STATS)
                .tag("layer", s.layer())
                .tag("optimizer", s.optimizer())
                .tag("run", s.runId())
                .field("step", s.step())
                .field("epoch", s.epoch())
                .field("layer_index", s.layerIndex())
                .field("filter_count", s.filterCount())
                .field("alive", s.alive())
                .field("dying", s.dying())
                .field("dead", s.dead())
                .field("revived", s.revived())
                .field("silent", s.silent())
                .field("activation_test_decided", s.activationTestDecided() ? 1L : 0L)
                .field("dead_by_activation", s.deadByActivation())
                .field("dead_by_scale", s.deadByScale())
                .field("dead_by_both", s.deadByBoth())
                .field("dead_params", s.deadParams())
                .field("dead_flops", s.deadFlops())
                .field("non_finite_values", s.nonFiniteValues())
                .field("window_samples", s.windowSamples())
                .field("batch_size", s.batchSize())
                .field("dead_fraction", s.deadFraction())
                .field("dead_by_activation_fraction", s.deadByActivationFraction())
                .field("dead_by_scale_fraction", s.deadByScaleFraction())
                .field("median_gamma_dominance", s.medianGammaDominance())
                .field("p90_gamma_dominance", s.p90GammaDominance())
                .field("median_beta_dominance", s.medianBetaDominance())
                .field("p90_beta_dominance", s.p90BetaDominance())
                .field("median_weight_dominance", s.medianWeightDominance())
                .field("median_adaptive_decay_ratio", s.medianAdaptiveDecayRatio())
                .field("median_regulariser_step_share", s.medianRegulariserStepShare())
                .field("dead_flops_share", s.deadFlopsShare())
                .field("dead_params_share", s.deadParamsShare())
                .field("learning_rate", s.learningRate())
                .field("l2", s.l2())
                .field("weight_decay", s.weightDecay());
        List<Integer> bins = s.selectivityHistogram();
        if (bins != null) {
            for (int i = 0; i < Math.min(bins.size(), SELECTIVITY_BINS); i++) {
                if (bins.get(i) != null) {
                    p.field("sel_bin_" + i, bins.get(i).longValue());
                }
            }
        }
        return p.time(s.wallClockMillis());
    }

    public static String filterStat(FilterStat s) {
        FilterState state = s.state() == null ? FilterState.ALIVE : s.state();
        return LineProtocol.measurement(Measurements.FILTER_STATS)
                .tag("filter", Integer.toString(s.filter()))
                .tag("layer", s.layer())
                .tag("run", s.runId())
                .field("step", s.step())
                .field("epoch", s.epoch())
                .field("state", state.name())
                .field("state_code", stateCode(state))
                .field("state_since_step", s.stateSinceStep())
                .field("dead_by_activation", s.deadByActivation() == null ? null : s.deadByActivation() ? 1L : 0L)
                .field("dead_by_scale", s.deadByScale() ? 1L : 0L)
                .field("silent", s.silent() ? 1L : 0L)
                .field("last_fired_step", s.lastFiredStep())
                .field("activity_rate", s.activityRate())
                .field("selectivity", s.selectivity())
                .field("spatial_activity", s.spatialActivity())
                .field("mean_response", s.meanResponse())
                .field("window_max_response", s.windowMaxResponse())
                .field("gamma", s.gamma())
                .field("beta", s.beta())
                .field("weight_norm", s.weightNorm())
                .field("gamma_dominance", s.gammaDominance())
                .field("beta_dominance", s.betaDominance())
                .field("weight_dominance", s.weightDominance())
                .field("adaptive_decay_ratio", s.adaptiveDecayRatio())
                .field("regulariser_step_share", s.regulariserStepShare())
                .time(s.wallClockMillis());
    }

    public static String runStats(RunStats s) {
        return LineProtocol.measurement(Measurements.RUN_STATS)
                .tag("run", s.runId())
                .field("step", s.step())
                .field("filters", s.filters())
                .field("alive", s.alive())
                .field("dying", s.dying())
                .field("dead", s.dead())
                .field("dead_by_activation", s.deadByActivation())
                .field("dead_by_scale", s.deadByScale())
                .field("silent", s.silent())
                .field("layers", s.layers())
                .field("dead_fraction", s.deadFraction())
                .time(s.wallClockMillis());
    }

    public static String runEvent(RunEvent e) {
        return LineProtocol.measurement(Measurements.RUN_EVENTS)
                .tag("run", e.runId())
                .tag("type", e.type() == null ? "UNKNOWN" : e.type().name())
                .field("step", e.step())
                .field("epoch", e.epoch())
                .field("loss", e.loss())
                .field("accuracy", e.accuracy())
                .field("message", e.message())
                .time(e.wallClockMillis());
    }

    public static String alert(Alert a) {
        boolean firing = a.status() == Alert.Status.FIRING;
        return LineProtocol.measurement(Measurements.ALERTS)
                .tag("layer", a.layer() == null || a.layer().isEmpty() ? Measurements.NO_LAYER : a.layer())
                .tag("rule", a.rule())
                .tag("run", a.runId())
                .tag("severity", a.severity() == null ? "WARNING" : a.severity().name())
                .field("id", a.id() == null ? "" : a.id())
                .field("status", firing ? "FIRING" : "RESOLVED")
                .field("firing", firing ? 1L : 0L)
                .field("step", a.step())
                .field("summary", a.summary())
                .field("description", a.description())
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
