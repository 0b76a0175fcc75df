package io.filterwatch.deploy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The InfluxDB schema aggregator-service writes (database {@code filterwatch}; docs/metrics.md):
 * per measurement its tag keys and field keys. Dashboards and alert rules may use only these.
 */
public final class InfluxSchema {
    public static final String DATABASE = "filterwatch";

    public record Measurement(String name, Set<String> tags, Set<String> fields, Set<String> stringFields) {
        public boolean has(String key) {
            return tags.contains(key) || fields.contains(key);
        }
    }

    public static final Measurement LAYER_STATS = new Measurement("layer_stats",
            Set.of("run", "layer", "optimizer"),
            fields(List.of("step", "epoch", "layer_index", "filter_count", "alive", "dying", "dead", "revived",
                    "silent", "activation_test_decided", "dead_by_activation", "dead_by_scale", "dead_by_both", "dead_fraction", "dead_by_activation_fraction",
                    "dead_by_scale_fraction", "median_gamma_dominance", "p90_gamma_dominance", "median_beta_dominance",
                    "p90_beta_dominance", "median_weight_dominance", "median_adaptive_decay_ratio",
                    "median_regulariser_step_share", "dead_flops_share",
                    "dead_params_share", "dead_params", "dead_flops", "non_finite_values", "window_samples",
                    "sel_bin_0", "sel_bin_1", "sel_bin_2", "sel_bin_3", "sel_bin_4", "sel_bin_5", "sel_bin_6", "sel_bin_7",
                    "sel_bin_8", "sel_bin_9", "learning_rate", "l2", "weight_decay", "batch_size")),
            Set.of());

    public static final Measurement FILTER_STATS = new Measurement("filter_stats",
            Set.of("run", "layer", "filter"),
            fields(List.of("step", "epoch", "state", "state_code", "state_since_step", "dead_by_activation", "dead_by_scale",
                    "silent", "last_fired_step", "activity_rate", "selectivity", "spatial_activity", "mean_response", "window_max_response", "gamma",
                    "beta", "weight_norm", "gamma_dominance", "beta_dominance", "weight_dominance", "adaptive_decay_ratio",
                    "regulariser_step_share")),
            Set.of("state"));

    public static final Measurement RUN_STATS = new Measurement("run_stats",
            Set.of("run"),
            fields(List.of("step", "filters", "alive", "dying", "dead", "dead_fraction", "dead_by_activation",
                    "dead_by_scale", "silent", "layers")),
            Set.of());

    public static final Measurement RUN_EVENTS = new Measurement("run_events",
            Set.of("run", "type"),
            fields(List.of("step", "epoch", "loss", "accuracy", "message")),
            Set.of("message"));

    public static final Measurement ALERTS = new Measurement("alerts",
            Set.of("run", "rule", "severity", "layer"),
            fields(List.of("id", "status", "firing", "step", "summary", "description")),
            Set.of("id", "status", "summary", "description"));

    public static final Map<String, Measurement> ALL = Map.of(
            LAYER_STATS.name(), LAYER_STATS,
            FILTER_STATS.name(), FILTER_STATS,
            RUN_STATS.name(), RUN_STATS,
            RUN_EVENTS.name(), RUN_EVENTS,
            ALERTS.name(), ALERTS);

    private InfluxSchema() {
    }

    private static Set<String> fields(List<String> names) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }
}
