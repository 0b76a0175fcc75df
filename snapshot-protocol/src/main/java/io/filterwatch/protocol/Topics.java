package io.filterwatch.protocol;

/**
 * Kafka topic names as every service's code reads them. Their settings live in {@code kafka-topics.txt} at the
 * repository root, which k8s, compose and dev/kafka follow; deploy-tests checks that its names are these.
 */
public final class Topics {
    /** Binary {@link LayerSnapshot}s, trainer to probe, key {@code <runId>/<layer>}. */
    public static final String SNAPSHOTS = "filterwatch.snapshots";
    /** Snapshots the probe could not decode or process, with the reason in headers. */
    public static final String SNAPSHOTS_DLQ = "filterwatch.snapshots.dlq";
    /** JSON {@link FilterStat}s, probe to aggregator. */
    public static final String FILTER_STATS = "filterwatch.filter-stats";
    /** JSON {@link LayerStat}s, probe to aggregator. */
    public static final String LAYER_STATS = "filterwatch.layer-stats";
    /** JSON {@link Alert}s. */
    public static final String ALERTS = "filterwatch.alerts";
    /** JSON {@link RunEvent}s, trainer to aggregator. */
    public static final String RUNS = "filterwatch.runs";

    private Topics() {
    }

    /** The record key of a layer snapshot: all snapshots of one layer of one run land in one partition. */
    public static String snapshotKey(String runId, String layerName) {
        return runId + "/" + layerName;
    }

    /** The run id of a {@link #snapshotKey} (run ids have no '/', layer names may). */
    public static String runIdOfKey(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }
}
