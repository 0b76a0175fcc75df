package io.filterwatch.aggregator.sink;

/** Measurement names of the InfluxDB schema ({@code docs/metrics.md}, "InfluxDB schema"); Grafana queries them verbatim. */
public final class Measurements {
    public static final String LAYER_STATS = "layer_stats";
    public static final String FILTER_STATS = "filter_stats";
    public static final String RUN_STATS = "run_stats";
    public static final String RUN_EVENTS = "run_events";
    public static final String ALERTS = "alerts";
    /** Tag value of {@code alerts.layer} for run-level alerts: InfluxDB has no empty tag values. */
    public static final String NO_LAYER = "-";

    private Measurements() {
    }
}
