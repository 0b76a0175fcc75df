package io.filterwatch.load;

import java.util.ArrayList;
import java.util.Comparator;
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
    /** Every complete round: its run's first or not, when it was published and when it was found complete. */
    private final List<Round> rounds = new ArrayList<>();
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
                        rounds.add(new Round(round.getKey() == firstRound.get(e.getKey()).longValue(),
                                round.getValue(), now));
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

    /** The steady-state latencies of the rounds complete so far ({@link #steadyLatency(List, int)}). */
    synchronized FleetReport.SteadyLatency steadyLatency() {
        return steadyLatency(rounds, firstRound.size());
    }

    /**
     * One complete round.
     *
     * @param first          its run's first round, which carries every filter of the run (the start-up burst)
     * @param publishedNanos when it was handed to Kafka
     * @param completeNanos  when all its layer_stats were found in InfluxDB
     */
    record Round(boolean first, long publishedNanos, long completeNanos) {
        double seconds() {
            return (completeNanos - publishedNanos) / 1e9;
        }
    }

    /**
     * The rounds after each run's first: p50, p99 and max, and the p50 of the earlier and the later half by
     * publication time (and the later half's p99). Then the settled window: the rounds published after the
     * pipeline first had no backlog once the {@code runs} first rounds were in, the first moment from then
     * at which every round published before it was complete. A fleet whose runs started hours apart lives
     * in that state; the two halves of the window tell whether the pipeline still falls behind in it (later
     * p50 above earlier).
     */
    static FleetReport.SteadyLatency steadyLatency(List<Round> complete, int runs) {
        List<Round> byPublication = new ArrayList<>(complete);
        byPublication.sort(Comparator.comparingLong(Round::publishedNanos));
        List<Double> all = byPublication.stream().filter(r -> !r.first()).map(Round::seconds).toList();
        int half = all.size() / 2;
        List<Round> firsts = byPublication.stream().filter(Round::first).toList();
        long start = byPublication.isEmpty() ? 0 : byPublication.get(0).publishedNanos();
        double settledAfter = Double.NaN;
        List<Double> settled = List.of();
        if (runs > 0 && firsts.size() == runs) {
            // the first moment, once every first round is in, at which no round published before it was still
            // missing: the start's backlog, and the rounds queued behind it in turn, are through
            // one pass in publication order: a round published before that moment pushes it to its own completion
            long at = firsts.stream().mapToLong(Round::completeNanos).max().getAsLong();
            for (Round r : byPublication) {
                if (r.publishedNanos() >= at) {
                    break;
                }
                at = Math.max(at, r.completeNanos());
            }
            long settledAt = at;
            settledAfter = (settledAt - start) / 1e9;
            settled = byPublication.stream().filter(r -> !r.first() && r.publishedNanos() >= settledAt)
                    .map(Round::seconds).toList();
        }
        int settledHalf = settled.size() / 2;
        return new FleetReport.SteadyLatency(all.size(), quantile(all, 0.5), quantile(all, 0.99),
                all.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                quantile(all.subList(0, half), 0.5), quantile(all.subList(half, all.size()), 0.5),
                quantile(all.subList(half, all.size()), 0.99),
                settledAfter, settled.size(), quantile(settled, 0.5), quantile(settled, 0.99),
                settled.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                quantile(settled.subList(0, settledHalf), 0.5), quantile(settled.subList(settledHalf, settled.size()), 0.5));
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
