package io.filterwatch.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import io.filterwatch.console.InfluxQueries;

/**
 * Snapshot-to-InfluxDB latency: from the moment a run's round (every worker's snapshot of every layer at
 * one step) has been handed to Kafka to the moment all of that step's {@code layer_stats} points (one per
 * layer) can be read back from InfluxDB. One query per poll over all pending rounds: the points are found by
 * their time, which is the round's wall clock ({@code TrainingContext.wallClockMillis}, shared by every
 * worker and layer of the round). The resolution is the poll interval plus one query.
 */
final class LatencyTracker {

    private final InfluxQueries influx;
    private final String runPrefix;
    private final int layers;
    /** run id -> wall clock millis of the round -> nanoTime it was published. */
    private final Map<String, ConcurrentSkipListMap<Long, Long>> pending = new ConcurrentHashMap<>();
    private final List<Double> latencies = new ArrayList<>();
    private long published;

    LatencyTracker(InfluxQueries influx, String runPrefix, int layers) {
        this.influx = influx;
        this.runPrefix = runPrefix;
        this.layers = layers;
    }

    void published(String runId, long wallClockMillis, long nanoTime) {
        pending.computeIfAbsent(runId, k -> new ConcurrentSkipListMap<>()).put(wallClockMillis, nanoTime);
        synchronized (this) {
            published++;
        }
    }

    int pendingRounds() {
        return pending.values().stream().mapToInt(Map::size).sum();
    }

    /** Asks InfluxDB once for the pending rounds; records the latency of every round now complete. */
    void poll() {
        long oldest = Long.MAX_VALUE;
        for (ConcurrentSkipListMap<Long, Long> m : pending.values()) {
            if (!m.isEmpty()) {
                oldest = Math.min(oldest, m.firstKey());
            }
        }
        if (oldest == Long.MAX_VALUE) {
            return;
        }
        List<InfluxQueries.Row> rows = influx.query("SELECT step, dead FROM layer_stats WHERE time >= " + oldest
                + "ms AND run =~ /^" + runPrefix.replaceAll("[^A-Za-z0-9_-]", ".") + "-/ GROUP BY run");
        long now = System.nanoTime();
        Map<String, Map<Long, Integer>> counts = new HashMap<>();
        for (InfluxQueries.Row row : rows) {
            counts.computeIfAbsent(row.str("run"), k -> new TreeMap<>()).merge(row.time(), 1, Integer::sum);
        }
        for (Map.Entry<String, ConcurrentSkipListMap<Long, Long>> e : pending.entrySet()) {
            Map<Long, Integer> byTime = counts.getOrDefault(e.getKey(), Map.of());
            Iterator<Map.Entry<Long, Long>> it = e.getValue().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, Long> round = it.next();
                if (byTime.getOrDefault(round.getKey(), 0) >= layers) {
                    synchronized (this) {
                        latencies.add((now - round.getValue()) / 1e9);
                    }
                    it.remove();
                }
            }
        }
    }

    synchronized long publishedRounds() {
        return published;
    }

    synchronized long completeRounds() {
        return latencies.size();
    }

    /** The q-quantile (0..1) of the latencies in seconds, nearest rank; NaN without any. */
    synchronized double quantile(double q) {
        if (latencies.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    synchronized double max() {
        return latencies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
