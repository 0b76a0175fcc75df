package io.filterwatch.aggregator.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What one poll produced and must be acknowledged together: line-protocol points for InfluxDB, alerts for the
 * topic, and the offsets to commit once both are durable. {@code run_stats} points are keyed by
 * (run, step) so that a batch writes each run step once, with its latest value.
 */
final class Batch {
    /** False for the offline backtest, which wants the alerts only: no point is built. */
    final boolean keepsPoints;
    final List<String> points = new ArrayList<>();
    final Map<String, String> runStats = new LinkedHashMap<>();
    final List<io.filterwatch.protocol.Alert> alerts = new ArrayList<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

    Batch() {
        this(true);
    }

    private Batch(boolean keepsPoints) {
        this.keepsPoints = keepsPoints;
    }

    static Batch alertsOnly() {
        return new Batch(false);
    }

    List<String> allPoints() {
        List<String> all = new ArrayList<>(points.size() + runStats.size());
        all.addAll(points);
        all.addAll(runStats.values());
        return all;
    }

    void absorb(Batch later) {
        points.addAll(later.points);
        runStats.putAll(later.runStats);
        alerts.addAll(later.alerts);
        offsets.putAll(later.offsets);
    }

    /** Nothing to write, publish or commit (a clock tick's batch has alerts but no offsets). */
    boolean isEmpty() {
        return offsets.isEmpty() && alerts.isEmpty() && points.isEmpty() && runStats.isEmpty();
    }
}
