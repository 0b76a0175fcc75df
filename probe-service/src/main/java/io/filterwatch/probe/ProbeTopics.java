package io.filterwatch.probe;

import io.filterwatch.protocol.Topics;

/** The topics the probe reads and writes; tests give each case its own set on a shared broker. */
public record ProbeTopics(String snapshots, String dlq, String filterStats, String layerStats) {

    public static ProbeTopics standard() {
        return new ProbeTopics(Topics.SNAPSHOTS, Topics.SNAPSHOTS_DLQ, Topics.FILTER_STATS, Topics.LAYER_STATS);
    }

    /** The standard names with a prefix, e.g. {@code "t7."}. */
    public static ProbeTopics prefixed(String prefix) {
        return new ProbeTopics(prefix + Topics.SNAPSHOTS, prefix + Topics.SNAPSHOTS_DLQ,
                prefix + Topics.FILTER_STATS, prefix + Topics.LAYER_STATS);
    }
}
