package io.filterwatch.load;

import java.time.Duration;

import io.filterwatch.protocol.influx.InfluxSchema;

/**
 * What a fleet load run does: R runs of W workers publishing ResNet-50 snapshots every S steps of t seconds
 * (divided by {@code compress}), for {@code duration} and/or up to {@code maxSteps} steps per run.
 *
 * @param runs             R concurrent runs
 * @param workers          W data-parallel workers per run, each publishing its own snapshots
 * @param snapshotInterval S, steps between two snapshots of a layer
 * @param stepSeconds      t, seconds per training step at real pace
 * @param compress         pace factor: a round every S * t / compress seconds (1 = real time)
 * @param duration         how long to publish; null = until {@code maxSteps}
 * @param maxSteps         last step of every run; 0 = until {@code duration}
 * @param dyingShare       share of the filters that die over the run (|gamma| below 1e-3, no response)
 * @param runLength        the simulated run's steps, over which the dying share dies (death steps at 30-90% of
 *                         it); 0 = the last step this load publishes
 * @param startStep        the first round's step is startStep + S (start in the middle of a run)
 * @param sampleSize       N, sampled responses per filter and worker
 * @param batchPerWorker   per-worker mini-batch (ImageNet's global 256 = 8 x 32)
 * @param seed             random seed of the runs' values
 * @param runPrefix        run ids are {@code <runPrefix>-<r>}
 * @param bootstrap        Kafka bootstrap servers
 * @param compression      the producers' compression.type (the trainer's: zstd)
 * @param influxUrl        InfluxDB 1.x URL the aggregator writes to (latency, points)
 * @param database         its database
 * @param probeGroup       the probe's consumer group (lag at the end)
 * @param aggregatorGroup  the aggregator's consumer group
 * @param drainTimeout     how long to wait after the last round for its points in InfluxDB
 * @param pollInterval     how often InfluxDB is asked for the rounds that arrived (bounds the latency's resolution)
 */
public record FleetSettings(int runs, int workers, int snapshotInterval, double stepSeconds, double compress,
                            Duration duration, long maxSteps, double dyingShare, long runLength, long startStep,
                            int sampleSize, int batchPerWorker,
                            long seed, String runPrefix, String bootstrap, String compression, String influxUrl,
                            String database, String probeGroup, String aggregatorGroup, Duration drainTimeout,
                            Duration pollInterval) {

    /** ImageNet-1k training images: an epoch is ceil(this / global batch) steps. */
    public static final long IMAGENET_TRAIN_IMAGES = 1_281_167;

    public FleetSettings {
        require(runs >= 1, "runs must be >= 1");
        require(workers >= 1 && workers <= 1024, "workers must be 1..1024");
        require(snapshotInterval >= 1, "snapshot interval must be >= 1");
        require(stepSeconds > 0 && compress > 0, "step seconds and compress must be > 0");
        require(duration != null || maxSteps > 0, "give a duration or a number of steps");
        require(dyingShare >= 0 && dyingShare <= 0.9, "dying share must be in [0, 0.9]");
        require(runLength >= 0 && startStep >= 0, "run length and start step must be >= 0");
        require(maxSteps == 0 || maxSteps > startStep, "the last step must come after the start step");
        require(sampleSize >= 1 && sampleSize <= 4096, "sample size must be 1..4096");
        require(batchPerWorker >= 1, "batch must be >= 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Seconds between two rounds of one run. */
    public double roundSeconds() {
        return snapshotInterval * stepSeconds / compress;
    }

    public long stepsPerEpoch() {
        long global = (long) batchPerWorker * workers;
        return (IMAGENET_TRAIN_IMAGES + global - 1) / global;
    }

    /** Rounds each run publishes: bounded by the steps and by the duration. */
    public long plannedRounds() {
        long byDuration = duration == null ? Long.MAX_VALUE
                : Math.max(1, (long) Math.floor(duration.toMillis() / 1000.0 / roundSeconds()));
        long bySteps = maxSteps > 0 ? Math.max(1, (maxSteps - startStep) / snapshotInterval) : Long.MAX_VALUE;
        return Math.min(byDuration, bySteps);
    }

    /** The last step this load publishes. */
    public long lastStep() {
        return startStep + plannedRounds() * snapshotInterval;
    }

    /** The step of round k (from 0). */
    public long step(long round) {
        return startStep + (round + 1) * snapshotInterval;
    }

    /** The simulated run's length, over which the dying filters die. */
    public long historySteps() {
        return runLength > 0 ? runLength : lastStep();
    }

    public String runId(int r) {
        return runPrefix + "-" + r;
    }

    /** Defaults: one real-paced ResNet-50 run of 8 workers for 5 minutes on the dev services. */
    public static FleetSettings defaults() {
        return new FleetSettings(1, 8, 100, 0.3, 1.0, Duration.ofMinutes(5), 0, 0.2, 0, 0, 128, 32, 42, "fleet",
                "127.0.0.1:9092", "zstd", "http://127.0.0.1:8086", InfluxSchema.DEFAULT_DATABASE, "filterwatch-probe",
                "filterwatch-aggregator", Duration.ofMinutes(3), Duration.ofMillis(250));
    }

    public FleetSettings withRuns(int r, int w) {
        return new FleetSettings(r, w, snapshotInterval, stepSeconds, compress, duration, maxSteps, dyingShare, runLength, startStep,
                sampleSize, batchPerWorker, seed, runPrefix, bootstrap, compression, influxUrl, database, probeGroup, aggregatorGroup,
                drainTimeout, pollInterval);
    }

    public FleetSettings withPace(double compressFactor, Duration d, long steps) {
        return new FleetSettings(runs, workers, snapshotInterval, stepSeconds, compressFactor, d, steps, dyingShare,
                runLength, startStep, sampleSize, batchPerWorker, seed, runPrefix, bootstrap, compression, influxUrl, database, probeGroup,
                aggregatorGroup, drainTimeout, pollInterval);
    }

    public FleetSettings withServices(String prefix, String kafka, String influx, String probe, String aggregator) {
        return new FleetSettings(runs, workers, snapshotInterval, stepSeconds, compress, duration, maxSteps, dyingShare,
                runLength, startStep, sampleSize, batchPerWorker, seed, prefix, kafka, compression, influx, database, probe, aggregator,
                drainTimeout, pollInterval);
    }

    public FleetSettings withHistory(long length, long start) {
        return new FleetSettings(runs, workers, snapshotInterval, stepSeconds, compress, duration, maxSteps, dyingShare,
                length, start, sampleSize, batchPerWorker, seed, runPrefix, bootstrap, compression, influxUrl, database,
                probeGroup, aggregatorGroup, drainTimeout, pollInterval);
    }

    /** How long to wait after the last round for its points in InfluxDB and both lags at 0 (zero: not at all). */
    public FleetSettings withDrain(Duration d) {
        return new FleetSettings(runs, workers, snapshotInterval, stepSeconds, compress, duration, maxSteps, dyingShare,
                runLength, startStep, sampleSize, batchPerWorker, seed, runPrefix, bootstrap, compression, influxUrl, database,
                probeGroup, aggregatorGroup, d, pollInterval);
    }
}
