package io.filterwatch.probe.bench;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.consume.ProbeCounters;
import io.filterwatch.probe.consume.SnapshotProcessor;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.TrainingContext;

/**
 * Layer snapshots per second on one thread (one core): the probe's whole per-record path, from
 * the record's bytes to the output records' JSON (decode, merge, window, metrics, states, output
 * policy), Kafka I/O excluded. Next to it: decode alone, and a memory-bandwidth baseline (a copy
 * of 64 MiB, reported as bytes copied per second), measured in the same run.
 *
 * <p>Records: a ring of 384 distinct encoded snapshots of one layer (N = 128 sampled rows,
 * 6,400 samples each, Adam, 1-20% of filters silent); when the ring wraps the processor starts
 * afresh (steps must rise), so 8 of every 384 snapshots run with a part-filled window.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Threads(1)
public class ProbeBenchmark {
    private static final int RING = 384;

    @Param({"64", "2048"})
    public int filters;

    @Param({"128"})
    public int samples;

    private byte[][] records;
    private int next;
    private SnapshotProcessor processor;
    private OutputRecords out;
    private final ProbeSettings settings = ProbeSettings.defaults();

    private byte[] copyFrom;
    private byte[] copyTo;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        records = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            records[i] = SnapshotCodec.encode(snapshot(random, filters, samples, 100L * (i + 1)));
        }
        out = new OutputRecords(ProbeTopics.standard());
        processor = new SnapshotProcessor(settings, out, new ProbeCounters());
        copyFrom = new byte[64 << 20];
        random.nextBytes(copyFrom);
        copyTo = new byte[64 << 20];
    }

    /** Encoded size of one record, for bytes per second. */
    public int recordBytes() {
        return records[0].length;
    }

    @Benchmark
    public List<ProducerRecord<String, byte[]>> process() {
        if (next == RING) {
            next = 0;
            processor = new SnapshotProcessor(settings, out, new ProbeCounters());
        }
        byte[] value = records[next++];
        return processor.process(new ConsumerRecord<>("filterwatch.snapshots", 0, next, 0L, TimestampType.CREATE_TIME,
                0, value.length, "bench/conv", value, new RecordHeaders(), Optional.empty()));
    }

    @Benchmark
    public LayerSnapshot decodeOnly() {
        if (next == RING) {
            next = 0;
        }
        return SnapshotCodec.decode(records[next++]);
    }

    /** Baseline: System.arraycopy of 64 MiB (read 64 MiB + write 64 MiB) per op. */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 2)
    public byte[] memoryCopy64MiB() {
        System.arraycopy(copyFrom, 0, copyTo, 0, copyFrom.length);
        return copyTo;
    }

    /**
     * One snapshot of a layer that trains smoothly: per-filter base values from a fixed seed,
     * parameters drifting by ~0.2% per snapshot, mini-batch gradients with 30% noise, 1-20% of the
     * filters silent, fresh random sampled responses every time (80% of them in (0, max]).
     */
    public static LayerSnapshot snapshot(Random noise, int c, int n, long step) {
        Random base = new Random(42);
        float[] gamma = new float[c], beta = new float[c], wn = new float[c];
        float[] gg = new float[c], gb = new float[c], gw = new float[c], rg = new float[c], rb = new float[c], rw = new float[c];
        int[] params = new int[c];
        long[] flops = new long[c];
        float[] max = new float[c];
        long[] active = new long[c];
        double[] sum = new double[c];
        long seen = 6400;
        boolean[] silent = new boolean[c];
        for (int f = 0; f < c; f++) {
            silent[f] = base.nextDouble() < 0.01 + 0.19 * f / c;
            gamma[f] = (float) (base.nextGaussian() * 0.3 * (1 + 0.002 * noise.nextGaussian()));
            beta[f] = (float) (base.nextGaussian() * 0.1 * (1 + 0.002 * noise.nextGaussian()));
            wn[f] = (float) ((1 + base.nextDouble()) * (1 + 0.002 * noise.nextGaussian()));
            gg[f] = (float) (base.nextGaussian() * 1e-3 * (1 + 0.3 * noise.nextGaussian()));
            gb[f] = (float) (base.nextGaussian() * 1e-3 * (1 + 0.3 * noise.nextGaussian()));
            gw[f] = (float) (base.nextDouble() * 1e-2 * (1 + 0.3 * Math.abs(noise.nextGaussian())));
            rg[f] = (float) (base.nextDouble() * 1e-3);
            rb[f] = (float) (base.nextDouble() * 1e-3);
            rw[f] = (float) (base.nextDouble() * 1e-3);
            params[f] = 9 * c + 2;
            flops[f] = 9L * c * 28 * 28;
            max[f] = silent[f] ? 0f : (float) ((1 + base.nextDouble() * 3) * (1 + 0.02 * noise.nextGaussian()));
            active[f] = silent[f] ? 0 : seen - 500 - noise.nextInt(20);
            sum[f] = silent[f] ? 0 : active[f] * 0.8 * (1 + 0.01 * noise.nextGaussian());
        }
        float[] responses = new float[n * c], fraction = new float[n * c];
        for (int i = 0, k = 0; i < n; i++) {
            for (int f = 0; f < c; f++, k++) {
                if (!silent[f] && noise.nextDouble() < 0.8) {
                    responses[k] = (float) (noise.nextDouble() * max[f]);
                    fraction[k] = (float) noise.nextDouble();
                }
            }
        }
        return new LayerSnapshot(
                new TrainingContext("bench", 0, step, (int) (step / 10_000), 1_700_000_000_000L + step, "adam",
                        1e-3, 5e-4, 0, 64),
                new LayerInfo("conv", 3, c, 28, 28),
                new FilterParameters(params, flops, gamma, beta, wn),
                new FilterGradients(gg, gb, gw, rg, rb, rw),
                new ActivationAggregates(step - 99, seen, max, active, sum),
                new ResponseSample(n, responses, fraction, 0));
    }

    /**
     * The same two paths timed by the thread's CPU time instead of the wall clock: on a machine
     * whose cores are shared with other work, snapshots per CPU-second is the per-core rate.
     */
    static void cpuTimeRun(int c, int warmup, int measured) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        ProbeBenchmark b = new ProbeBenchmark();
        b.filters = c;
        b.samples = 128;
        b.setUp();
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += b.process().size() + b.decodeOnly().filterCount();
        }
        b.next = 0;
        b.processor = new SnapshotProcessor(b.settings, b.out, new ProbeCounters());
        long outputs = 0;
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < measured; i++) {
            outputs += b.process().size();
        }
        long t1 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < measured; i++) {
            sink += b.decodeOnly().filterCount();
        }
        long t2 = mx.getCurrentThreadCpuTime();
        double process = measured / ((t1 - t0) / 1e9);
        double decode = measured / ((t2 - t1) / 1e9);
        System.out.printf("CPU-time C=%d N=128 bytes=%d: process %.0f snapshots/CPU-s (%.1f MB/s), decode only %.0f/CPU-s,"
                        + " outputs per snapshot %.1f (sink %d)%n",
                c, b.recordBytes(), process, process * b.recordBytes() / 1e6, decode, (double) outputs / measured, sink);
    }

    public static void main(String[] args) throws RunnerException {
        if (args.length > 0 && args[0].equals("cpu")) {
            cpuTimeRun(64, 100_000, 40_000); // ~5 s of warm-up: C2 is still compiling after 1 s
            cpuTimeRun(2048, 1_000, 1_000);
            return;
        }
        for (int c : new int[] {64, 2048}) {
            ProbeBenchmark b = new ProbeBenchmark();
            b.filters = c;
            b.samples = 128;
            System.out.printf("record bytes at C=%d, N=128: %d%n", c,
                    SnapshotCodec.encode(snapshot(new Random(42), c, 128, 100)).length);
        }
        new Runner(new OptionsBuilder().include(ProbeBenchmark.class.getName() + ".*").build()).run();
    }
}
