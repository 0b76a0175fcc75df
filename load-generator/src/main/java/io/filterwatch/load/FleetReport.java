package io.filterwatch.load;

import java.util.Locale;

/**
 * What one fleet load run measured.
 *
 * @param runs              R
 * @param workers           W per run
 * @param seconds           the rounds' time: rounds per run x the round interval (or longer, when the generator fell behind)
 * @param records           snapshot records published
 * @param valueBytes        their encoded size (before compression)
 * @param wireBytes         bytes the producers sent to the broker (compressed record batches and request overhead)
 * @param roundsPublished   rounds (run, step) published
 * @param roundsComplete    rounds whose every layer_stats point reached InfluxDB
 * @param p50               median snapshot-to-InfluxDB latency, seconds
 * @param p99               99th percentile, seconds
 * @param maxLatency        the largest, seconds
 * @param pointsWritten     points of these runs in InfluxDB at the end (filter_stats, layer_stats, run_stats, run_events, alerts)
 * @param probeLagAtEnd     the probe group's lag on the snapshot topic when the last round was out (-1: unknown)
 * @param aggregatorLagAtEnd the aggregator group's lag on its input topics then (-1: unknown)
 * @param drainSeconds      from then until every round was in InfluxDB and both lags were 0 (or the drain timeout)
 * @param probeLag          the probe group's lag after the drain
 * @param aggregatorLag     the aggregator group's lag after the drain
 * @param deadLetters       records added to the dead-letter topic during the run
 * @param generatorCpuSeconds CPU time of the generator's publishing threads (values, encode, compression)
 * @param sendSeconds       wall time of those threads inside {@code send} (the producer's compression, buffer waits)
 * @param roundsLate        rounds that started more than one round interval behind their schedule
 * @param steady            the latency of the rounds after each run's first (the steady state)
 */
public record FleetReport(int runs, int workers, double seconds, long records, long valueBytes, long wireBytes,
                          long roundsPublished, long roundsComplete, double p50, double p99, double maxLatency,
                          long pointsWritten, long probeLagAtEnd, long aggregatorLagAtEnd, double drainSeconds,
                          long probeLag, long aggregatorLag, long deadLetters,
                          double generatorCpuSeconds, double sendSeconds, long roundsLate, SteadyLatency steady) {

    /**
     * Latency of the rounds after each run's first, seconds.
     *
     * @param rounds     how many
     * @param earlyP50   median of the earlier half (by publication time)
     * @param lateP50    median of the later half: well above earlyP50 means the pipeline fell behind
     * @param lateP99    99th percentile of the later half
     * @param settledAfterSeconds from the first publication to the first moment, once every run's first round was in
     *                   InfluxDB, at which every round published before it was in too (no backlog left; NaN: never)
     * @param settledRounds rounds published after that: the fleet in its steady state, start-up bursts through
     * @param settledP50 their median latency
     * @param settledP99 their 99th percentile: the capacity criterion (issue #15: under 5 s)
     * @param settledMax their largest
     * @param settledEarlyP50 median of their earlier half by publication time
     * @param settledLateP50 median of their later half: above settledEarlyP50 by more than the noise means the lag grows
     */
    public record SteadyLatency(int rounds, double p50, double p99, double max, double earlyP50, double lateP50,
                                double lateP99, double settledAfterSeconds, int settledRounds, double settledP50,
                                double settledP99, double settledMax, double settledEarlyP50, double settledLateP50) {
    }

    public double recordsPerSecond() {
        return seconds <= 0 ? 0 : records / seconds;
    }

    public double megabytesPerSecond() {
        return seconds <= 0 ? 0 : wireBytes / seconds / 1e6;
    }

    /** The one line: runs, workers, records/s, MB/s into Kafka, p50/p99 latency, points, lag at the end. */
    public String summaryLine() {
        return String.format(Locale.ROOT,
                "fleet-load summary: runs %d, workers %d, records/s %.1f, MB/s into Kafka %.2f (%.2f per run, %.2f before compression), "
                        + "snapshot-to-InfluxDB latency p50 %.2f s p99 %.2f s (max %.2f s; rounds %d/%d complete), "
                        + "points written %d, consumer lag at end of publishing probe %d aggregator %d, after %.0f s of drain probe %d aggregator %d, "
                        + "dead letters %d; after each run's first round: latency p50 %.2f s p99 %.2f s (max %.2f s; %d rounds), "
                        + "p50 earlier half %.2f s, later half %.2f s (p99 %.2f s); "
                        + "settled (published once the runs' first rounds were in and no round was missing, %.0f s in): latency p50 %.2f s "
                        + "p99 %.2f s (max %.2f s; %d rounds), p50 earlier half %.2f s, later half %.2f s",
                runs, workers, recordsPerSecond(), megabytesPerSecond(), megabytesPerSecond() / runs,
                seconds <= 0 ? 0 : valueBytes / seconds / 1e6, p50, p99, maxLatency, roundsComplete, roundsPublished,
                pointsWritten, probeLagAtEnd, aggregatorLagAtEnd, drainSeconds, probeLag, aggregatorLag, deadLetters,
                steady.p50(), steady.p99(), steady.max(), steady.rounds(), steady.earlyP50(), steady.lateP50(), steady.lateP99(),
                steady.settledAfterSeconds(), steady.settledP50(), steady.settledP99(), steady.settledMax(), steady.settledRounds(),
                steady.settledEarlyP50(), steady.settledLateP50());
    }

    /** The generator's own cost, printed before the summary. */
    public String generatorLine() {
        return String.format(Locale.ROOT,
                "generator: %d records, %.1f MB encoded in %.0f s, %.1f CPU-s in its publishing threads (%.1f%% of one core; "
                        + "%.2f ms per record, %.1f s of it inside the producers' send: compression), %d rounds started late",
                records, valueBytes / 1e6, seconds, generatorCpuSeconds, seconds <= 0 ? 0 : 100 * generatorCpuSeconds / seconds,
                records == 0 ? 0 : 1000 * generatorCpuSeconds / records, sendSeconds, roundsLate);
    }
}
