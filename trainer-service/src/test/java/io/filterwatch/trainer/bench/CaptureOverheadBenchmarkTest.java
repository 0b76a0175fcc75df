package io.filterwatch.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.protocol.LayerSnapshot;
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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Step time with capture and publishing at the defaults (interval 100, sample 64, real Kafka)
 * against capture off, in one JVM. Modes: capture off, capture every step with the snapshots thrown
 * away (what the training thread pays), capture every step + publish (the default; plus what the
 * publisher, the Kafka client and the in-process broker cost), the same with the spatial max taken
 * after backward (the previous path, side by side), and every 2nd step + publish. Each mode is warmed up in a discarded run first (JIT,
 * MKL-DNN primitive caches), then rounds run the modes in alternating order (ABC, CBA, ...) so
 * drift in machine load hits every mode alike; the ratio is taken within each round.
 * CPU time is split by thread so the broker's share, which a real deployment does not pay on
 * the training machine, is visible on its own ({@code -Dbench.broker=process} moves the broker into
 * a child JVM, see {@link BenchBrokerResource}).
 * Not part of the normal build: {@code -Dtrainer.excludedGroups= -Dgroups=benchmark}.
 */
@QuarkusTest
@QuarkusTestResource(value = BenchBrokerResource.class, restrictToAnnotatedClass = true)
@Tag("benchmark")
class CaptureOverheadBenchmarkTest {

    /**
     * Steps at the start of every measured run that are not counted (new model, first batches).
     * Runs are short and rounds many: this machine's load comes in bursts of tens of seconds,
     * which then hit a round's three runs alike or only a few rounds.
     */
    private static final int SKIP = 20;

    enum Mode {
        OFF("capture off", false, false, 1, false),
        CAPTURE("capture every step, snapshots discarded", true, false, 1, false),
        PUBLISH("capture every step + publish (default)", true, true, 1, false),
        PUBLISH_AFTER_BACKWARD("every step + publish, spatial max after backward (previous path)", true, true, 1,
                true),
        PUBLISH_EVERY_2("capture every 2nd step + publish", true, true, 2, false);

        final String label;
        final boolean capture;
        final boolean publish;
        final int captureEvery;
        /** The spatial max in a pass over the outputs after backward, as before, not inside the forward pass. */
        final boolean afterBackward;

        Mode(String label, boolean capture, boolean publish, int captureEvery, boolean afterBackward) {
            this.label = label;
            this.capture = capture;
            this.publish = publish;
            this.captureEvery = captureEvery;
            this.afterBackward = afterBackward;
        }
    }

    @Inject
    SnapshotPublisher publisher;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void captureAndPublishOverhead() throws Exception {
        int steps = Integer.getInteger("bench.steps", 100);
        int rounds = Integer.getInteger("bench.rounds", 12);
        int warmup = Integer.getInteger("bench.warmup", 150);
        boolean fmnist = Files.isDirectory(Path.of(FashionMnist.DEFAULT_PATH));
        Instant start = Instant.now();
        String loadBefore = loadAverage();

        List<Double> loads = new ArrayList<>();
        for (Mode m : Mode.values()) {
            Sample w = run("bench-warmup-" + m.name().toLowerCase(Locale.ROOT), m, warmup, fmnist);
            System.out.println("BENCH warm-up " + m + " " + w);
        }
        Map<Mode, List<Sample>> samples = new EnumMap<>(Mode.class);
        Mode[] order = Mode.values();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < order.length; i++) {
                Mode m = order[r % 2 == 0 ? i : order.length - 1 - i];
                Sample s = run("bench-" + m.name().toLowerCase(Locale.ROOT) + "-" + r, m, steps, fmnist);
                samples.computeIfAbsent(m, k -> new ArrayList<>()).add(s);
                loads.add(os.getSystemLoadAverage());
            }
        }
        publisher.flush(30_000);
        String loadAfter = loadAverage();
        var stats = publisher.stats();

        StringBuilder md = new StringBuilder();
        md.append("| measure |");
        for (Mode m : Mode.values()) {
            md.append(' ').append(m.label).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(Mode.values().length)).append('\n');
        row(md, "mean step time (ms)", samples, Sample::meanStepMs, "%.2f");
        row(md, "median step time (ms)", samples, Sample::medianStepMs, "%.2f");
        ratioRow(md, "overhead vs off: per-round ratio of mean step times", samples, Sample::meanStepMs);
        ratioRow(md, "overhead vs off: per-round ratio of median step times", samples, Sample::medianStepMs);
        ratioRow(md, "overhead vs off: per-round ratio of training-thread CPU per step", samples,
                Sample::trainingCpuMs);
        double offMean = mean(samples.get(Mode.OFF), Sample::meanStepMs);
        md.append("| capture on the training thread per step, aggregates (ms; % of an off step) | |");
        for (Mode m : Mode.values()) {
            if (m.capture) {
                double agg = mean(samples.get(m), Sample::meanAggregateMs);
                md.append(String.format(Locale.ROOT, " %.3f (%.2f%%) |", agg, 100 * agg / offMean));
            }
        }
        md.append("\n| snapshot step: capture + assembly (ms, once per 100 steps; % amortised) | |");
        for (Mode m : Mode.values()) {
            if (m.capture) {
                double snap = mean(samples.get(m), Sample::meanSnapshotMs);
                md.append(String.format(Locale.ROOT, " %.1f (%.2f%%) |", snap, snap / offMean));
            }
        }
        md.append("\n| **capture's time on the training thread / the rest of the same run's step time** (median of"
                + " runs; min..max) | |");
        for (Mode m : Mode.values()) {
            if (m.capture) {
                double[] share = samples.get(m).stream().mapToDouble(Sample::captureSharePct).sorted().toArray();
                md.append(String.format(Locale.ROOT, " **%.2f%%** (%.2f..%.2f) |", medianOf(share), share[0],
                        share[share.length - 1]));
            }
        }
        md.append('\n');
        md.append(String.format(Locale.ROOT, "| %s: captured minus skipped step, medians per run, mean of runs (ms)"
                        + " | %.3f |\n", Mode.PUBLISH_EVERY_2.label,
                mean(samples.get(Mode.PUBLISH_EVERY_2), Sample::capturedMinusSkippedMs)));
        md.append(String.format(Locale.ROOT, "| %s against %s, per-round ratio: mean step time %s; training-thread"
                        + " CPU %s |\n", Mode.PUBLISH.label, Mode.PUBLISH_AFTER_BACKWARD.label,
                ratio(samples, Mode.PUBLISH_AFTER_BACKWARD, Mode.PUBLISH, Sample::meanStepMs),
                ratio(samples, Mode.PUBLISH_AFTER_BACKWARD, Mode.PUBLISH, Sample::trainingCpuMs)));
        row(md, "CPU per step, training thread (ms)", samples, Sample::trainingCpuMs, "%.2f");
        row(md, "CPU per step, publisher + Kafka client threads (ms)", samples, Sample::clientCpuMs, "%.3f");
        row(md, "CPU per step, other Java threads: broker, Quarkus (ms)", samples, Sample::otherJavaCpuMs, "%.3f");
        row(md, "CPU per step, non-Java threads: GC, JIT (ms)", samples, Sample::nativeCpuMs, "%.3f");
        md.append(String.format(Locale.ROOT, "| snapshots published / dropped (all modes) | %d / %d |\n",
                stats.published(), stats.dropped()));
        md.append(String.format(Locale.ROOT, """

                %s to %s UTC; broker %s; data %s; %d warm-up steps per mode discarded, then %d rounds x %d steps per \
                mode (first %d and the final one of each run not counted), mode order alternating; \
                OMP_NUM_THREADS=%s, MXNET_ENGINE_TYPE=%s; load average (1/5/15 min) before %s, after %s, \
                1-min after each run %s
                per-round mean step ms: %s
                """, start.truncatedTo(ChronoUnit.SECONDS), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                "process".equals(System.getProperty("bench.broker")) ? "in a child JVM (nice 19)" : "in-process",
                fmnist ? "Fashion-MNIST" : "synthetic 28x28", warmup, rounds, steps, SKIP,
                System.getenv("OMP_NUM_THREADS"), System.getenv("MXNET_ENGINE_TYPE"), loadBefore, loadAfter,
                loads.stream().map(l -> String.format(Locale.ROOT, "%.1f", l)).collect(Collectors.joining(" ")),
                samples.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream()
                                .map(s -> String.format(Locale.ROOT, "%.1f", s.meanStepMs()))
                                .collect(Collectors.joining(", ", "[", "]")))
                        .collect(Collectors.joining("; "))));
        System.out.println(md);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/benchmark-trainer.md"), md.toString());
        assertThat(stats.published()).isPositive();
        assertThat(stats.dropped()).isZero();
    }

    private Sample run(String runId, Mode mode, int steps, boolean fmnist) throws Exception {
        RunConfig c = new RunConfig(runId, ModelKind.SMALL_BASIC_NET, null,
                fmnist ? DatasetKind.FASHION_MNIST : DatasetKind.SYNTHETIC, null, 28, 8192, 10, OptimizerKind.ADAM,
                1e-3, null, 5e-4, null, null, null, null, 64, 1, (long) (SKIP + steps + 1), 1L, mode.capture, 100,
                mode.captureEvery, 64, null, null, 0);
        List<Double> stepMs = new ArrayList<>();
        List<Double> aggregateMs = new ArrayList<>();
        List<Double> snapshotMs = new ArrayList<>();
        // With captureEvery 2 the captured and the skipped steps alternate within one run: their
        // difference is the capture's cost in wall time, paired step by step against the load.
        List<Double> capturedStepMs = new ArrayList<>();
        List<Double> skippedStepMs = new ArrayList<>();
        CpuClock[] clock = new CpuClock[2];
        int last = SKIP + steps;
        TrainingSession session = new TrainingSession(c, new RunObserver() {
            boolean snapshotStep;

            @Override
            public void snapshots(List<LayerSnapshot> snapshots) {
                snapshotStep = true;
                if (mode.publish) {
                    publisher.offer(snapshots);
                }
            }

            @Override
            public void stepDone(RunProgress p, long stepNanos, long captureNanos) {
                // Steps SKIP+1 .. SKIP+steps: with steps = 100 exactly one regular snapshot (the
                // run's final step, which snapshots too, is left out).
                if (p.step() == SKIP) {
                    clock[0] = cpuNow();
                } else if (p.step() > SKIP && p.step() <= last) {
                    stepMs.add(stepNanos / 1e6);
                    if (mode.capture && !snapshotStep && mode.captureEvery > 1) {
                        (p.step() % mode.captureEvery == 0 ? capturedStepMs : skippedStepMs).add(stepNanos / 1e6);
                    }
                    if (mode.capture) {
                        (snapshotStep ? snapshotMs : aggregateMs).add(captureNanos / 1e6);
                    }
                    if (p.step() == last) {
                        clock[1] = cpuNow();
                    }
                }
                snapshotStep = false;
            }
        });
        RunResult r;
        System.setProperty("filterwatch.trainer.capture.reduceAfterBackward", String.valueOf(mode.afterBackward));
        try {
            r = session.run();
        } finally {
            System.clearProperty("filterwatch.trainer.capture.reduceAfterBackward");
        }
        assertThat(r.status()).isEqualTo(RunResult.Status.FINISHED);
        CpuClock cpu = clock[1].minus(clock[0]);
        double n = stepMs.size();
        double captureMs = aggregateMs.stream().mapToDouble(Double::doubleValue).sum()
                + snapshotMs.stream().mapToDouble(Double::doubleValue).sum();
        double totalMs = stepMs.stream().mapToDouble(Double::doubleValue).sum();
        Sample sample = new Sample(mean(stepMs), median(stepMs), mean(aggregateMs), mean(snapshotMs),
                median(capturedStepMs) - median(skippedStepMs), 100 * captureMs / (totalMs - captureMs),
                cpu.training / 1e6 / n, cpu.client / 1e6 / n, cpu.otherJava / 1e6 / n,
                (cpu.process - cpu.training - cpu.client - cpu.otherJava) / 1e6 / n);
        System.out.println("BENCH " + runId + " " + sample);
        return sample;
    }

    /** CPU nanoseconds so far: the process, this (training) thread, Kafka client side, other Java threads. */
    record CpuClock(long process, long training, long client, long otherJava) {
        CpuClock minus(CpuClock before) {
            return new CpuClock(process - before.process, training - before.training, client - before.client,
                    otherJava - before.otherJava);
        }
    }

    private CpuClock cpuNow() {
        long self = Thread.currentThread().getId();
        long client = 0;
        long other = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || info.getThreadId() == self) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t < 0) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("snapshot-publisher") || name.contains("kafka-producer")) {
                client += t;
            } else {
                other += t;
            }
        }
        return new CpuClock(os.getProcessCpuTime(), threads.getCurrentThreadCpuTime(), client, other);
    }

    /**
     * @param captureSharePct the capture's time on the training thread (aggregates and snapshot
     *                        steps) against the rest of the same run's steps, in percent: a ratio
     *                        within one run, so a machine that slows down for a while slows both
     */
    record Sample(double meanStepMs, double medianStepMs, double meanAggregateMs, double meanSnapshotMs,
                  double capturedMinusSkippedMs, double captureSharePct,
                  double trainingCpuMs, double clientCpuMs, double otherJavaCpuMs, double nativeCpuMs) {
    }

    private static void row(StringBuilder md, String label, Map<Mode, List<Sample>> s, ToDoubleFunction<Sample> f,
                            String format) {
        md.append("| ").append(label);
        for (Mode m : Mode.values()) {
            md.append(" | ").append(String.format(Locale.ROOT, format, mean(s.get(m), f)));
        }
        md.append(" |\n");
    }

    private static void ratioRow(StringBuilder md, String label, Map<Mode, List<Sample>> s,
                                 ToDoubleFunction<Sample> f) {
        md.append("| ").append(label).append(" | |");
        for (Mode m : Mode.values()) {
            if (m != Mode.OFF) {
                md.append(' ').append(ratio(s, m, f)).append(" |");
            }
        }
        md.append('\n');
    }

    /** Per round (mode / off in the same round) - 1: median and mean over rounds, smallest and largest. */
    private static String ratio(Map<Mode, List<Sample>> s, Mode mode, ToDoubleFunction<Sample> f) {
        return ratio(s, Mode.OFF, mode, f);
    }

    /** Per round (mode / base in the same round) - 1. */
    private static String ratio(Map<Mode, List<Sample>> s, Mode base, Mode mode, ToDoubleFunction<Sample> f) {
        List<Sample> off = s.get(base);
        List<Sample> on = s.get(mode);
        double[] r = new double[off.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = 100 * (f.applyAsDouble(on.get(i)) / f.applyAsDouble(off.get(i)) - 1);
        }
        double mean = java.util.Arrays.stream(r).average().orElse(Double.NaN);
        double[] sorted = java.util.Arrays.stream(r).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format(Locale.ROOT, "median **%+.2f%%**, mean %+.2f%% (%+.1f..%+.1f)", median, mean,
                sorted[0], sorted[sorted.length - 1]);
    }

    private static double medianOf(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return p[0] + " / " + p[1] + " / " + p[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static double mean(List<Sample> s, ToDoubleFunction<Sample> f) {
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
