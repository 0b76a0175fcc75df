package io.filterwatch.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.testing.KafkaBrokerResource;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.data.FashionMnist;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.publish.SnapshotPublisher;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.RunProgress;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Step time with capture and publishing at the defaults (interval 100, sample 64, real Kafka)
 * against capture off, same JVM, alternating rounds so machine noise hits both alike.
 * Not part of the normal build: {@code -Dtrainer.excludedGroups= -Dgroups=benchmark}.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@Tag("benchmark")
class CaptureOverheadBenchmarkTest {

    private static final int WARMUP = 30;

    @Inject
    SnapshotPublisher publisher;

    @Test
    void captureAndPublishOverhead() throws Exception {
        int steps = Integer.getInteger("bench.steps", 400);
        int rounds = Integer.getInteger("bench.rounds", 3);
        boolean fmnist = Files.isDirectory(Path.of(FashionMnist.DEFAULT_PATH));
        List<Sample> off = new ArrayList<>();
        List<Sample> on = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            off.add(run("bench-off-" + r, false, steps, fmnist));
            on.add(run("bench-on-" + r, true, steps, fmnist));
        }
        publisher.flush(30_000);
        double offMean = meanOf(off, Sample::meanStepMs);
        double onMean = meanOf(on, Sample::meanStepMs);
        double offMedian = meanOf(off, Sample::medianStepMs);
        double onMedian = meanOf(on, Sample::medianStepMs);
        double aggregateMs = meanOf(on, Sample::meanAggregateMs);
        double snapshotMs = meanOf(on, Sample::meanSnapshotCaptureMs);
        var stats = publisher.stats();
        String report = String.format("""
                        | measure | capture off | capture + publish (interval 100) |
                        |---|---|---|
                        | mean step time (ms) | %.2f | %.2f |
                        | median step time (ms) | %.2f | %.2f |
                        | overhead, mean (ratio on/off - 1) | | %+.2f%% |
                        | overhead, median | | %+.2f%% |
                        | per-step aggregate cost, training thread (ms) | | %.3f (%.2f%% of a step) |
                        | snapshot step: capture + assembly (ms, every 100 steps) | | %.1f |
                        | snapshots published / dropped | | %d / %d |
                        data %s, %d rounds x %d measured steps per mode (after %d warm-up steps), OMP_NUM_THREADS=%s, \
                        per-round mean step ms off %s on %s
                        """, offMean, onMean, offMedian, onMedian, 100 * (onMean / offMean - 1),
                100 * (onMedian / offMedian - 1), aggregateMs, 100 * aggregateMs / offMean, snapshotMs,
                stats.published(), stats.dropped(), fmnist ? "Fashion-MNIST" : "synthetic 28x28", rounds, steps,
                WARMUP, System.getenv("OMP_NUM_THREADS"), Arrays.toString(off.stream().mapToDouble(Sample::meanStepMs).map(d -> Math.round(d * 100) / 100.0).toArray()),
                Arrays.toString(on.stream().mapToDouble(Sample::meanStepMs).map(d -> Math.round(d * 100) / 100.0).toArray()));
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-trainer.md"), report);
        assertThat(stats.published()).isPositive();
    }

    private Sample run(String runId, boolean capture, int steps, boolean fmnist) throws Exception {
        RunConfig c = new RunConfig(runId, ModelKind.SMALL_BASIC_NET, null,
                fmnist ? DatasetKind.FASHION_MNIST : DatasetKind.SYNTHETIC, null, 28, 8192, 10, OptimizerKind.ADAM,
                1e-3, null, 5e-4, null, null, null, null, 64, 1, (long) (steps + WARMUP), 1L, capture, 100, 1, 64,
                null, null, 0);
        List<Double> stepMs = new ArrayList<>();
        List<Double> aggregateMs = new ArrayList<>();
        List<Double> snapshotMs = new ArrayList<>();
        TrainingSession session = new TrainingSession(c, new RunObserver() {
            boolean snapshotStep;

            @Override
            public void snapshots(List<LayerSnapshot> snapshots) {
                snapshotStep = true;
                publisher.offer(snapshots);
            }

            @Override
            public void stepDone(RunProgress p, long stepNanos, long captureNanos) {
                if (p.step() > WARMUP) {
                    stepMs.add(stepNanos / 1e6);
                    (snapshotStep ? snapshotMs : aggregateMs).add(captureNanos / 1e6);
                }
                snapshotStep = false;
            }
        });
        RunResult r = session.run();
        assertThat(r.status()).isEqualTo(RunResult.Status.FINISHED);
        Sample sample = new Sample(mean(stepMs), median(stepMs), mean(aggregateMs), mean(snapshotMs));
        System.out.println("BENCH " + runId + " " + sample);
        return sample;
    }

    record Sample(double meanStepMs, double medianStepMs, double meanAggregateMs, double meanSnapshotCaptureMs) {
    }

    private static double meanOf(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        return s.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? 0 : a[a.length / 2];
    }
}
