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
    /** Rounds after their run's first, in order of publication: the steady state (the first is a full refresh). */
    private final List<double[]> steady = new ArrayList<>();
    /** run id -> wall clock millis of its first round. */
    private final Map<String, Long> firstRound = new ConcurrentHashMap<>();
    private long published;

    LatencyTracker(InfluxQueries influx, String runPrefix, int layers) {
        this.influx = influx;
        this.runPrefix = runPrefix;
        this.layers = layers;
    }

    void published(String runId, long wallClockMillis, long nanoTime) {
        firstRound.putIfAbsent(runId, wallClockMillis);
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
                    double seconds = (now - round.getValue()) / 1e9;
                    synchronized (this) {
                        latencies.add(seconds);
                        if (round.getKey() != firstRound.get(e.getKey()).longValue()) {
                            steady.add(new double[] {round.getValue(), seconds});
                        }
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
        return quantile(latencies, q);
    }

    /**
     * The rounds after each run's first (whose FilterStats are all of its filters at once): p50, p99 and
     * max, and the p50 of the earlier and the later half by publication time (and the later half's p99),
     * which differ when the pipeline falls behind (lag growing), or catches up after the runs' start.
     */
    synchronized FleetReport.SteadyLatency steadyLatency() {
        List<double[]> byPublication = new ArrayList<>(steady);
        byPublication.sort((a, b) -> Double.compare(a[0], b[0]));
        List<Double> all = byPublication.stream().map(x -> x[1]).toList();
        int half = all.size() / 2;
        return new FleetReport.SteadyLatency(all.size(), quantile(all, 0.5), quantile(all, 0.99),
                all.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                quantile(all.subList(0, half), 0.5), quantile(all.subList(half, all.size()), 0.5),
                quantile(all.subList(half, all.size()), 0.99));
    }

    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    synchronized double max() {
        return latencies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
