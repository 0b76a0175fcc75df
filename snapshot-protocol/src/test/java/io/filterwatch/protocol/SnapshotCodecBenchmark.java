package io.filterwatch.protocol;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Encode/decode throughput of the binary codec, side by side with two baselines measured in the same
 * run: a plain copy of the encoded bytes (the memory-bandwidth floor) and Jackson JSON of the same
 * snapshot (the format we did not choose). Not a unit test (surefire ignores it); run as in
 * {@code docs/benchmarks.md}. Single-threaded, so ops/s is per core.
 */
public final class SnapshotCodecBenchmark {
    private static final long WARMUP_NANOS = 3_000_000_000L;
    private static final long MEASURE_NANOS = 3_000_000_000L;
    private static final int ROUNDS = 3;
    private static Object sink;

    public static void main(String[] args) {
        System.out.printf("%-14s %-22s %12s %12s %12s %14s%n", "shape", "operation", "ops/s", "ops/CPU-s", "MB/s", "alloc B/op");
        for (int[] shape : new int[][] {{2048, 128}, {64, 128}}) {
            run(shape[0], shape[1]);
        }
    }

    private static void run(int c, int n) {
        LayerSnapshot snapshot = SnapshotFixtures.random(new Random(42), c, n, true);
        byte[] bytes = SnapshotCodec.encode(snapshot);
        LayerSnapshot decoded = SnapshotCodec.decode(bytes);
        // the strawman: the same snapshot as JSON, sample as the trainer's float arrays
        JsonSnapshot asJson = new JsonSnapshot(decoded.context(), decoded.layer(), decoded.params(), decoded.gradients(),
                decoded.activity(), (ResponseSample) snapshot.sample());
        byte[] json = JsonMessages.toJson(asJson);
        String shape = "C=" + c + ",N=" + n;
        System.out.printf("%-14s binary %,d bytes, JSON %,d bytes (%.1fx)%n", shape, bytes.length, json.length,
                json.length / (double) bytes.length);

        Case[] cases = {
                new Case("binary encode", bytes.length, () -> SnapshotCodec.encode(decoded)),
                new Case("binary decode", bytes.length, () -> SnapshotCodec.decode(bytes)),
                new Case("baseline: byte copy", bytes.length, bytes::clone),
                new Case("baseline: JSON encode", json.length, () -> JsonMessages.toJson(asJson)),
                new Case("baseline: JSON decode", json.length, () -> JsonMessages.fromJson(json, JsonSnapshot.class)),
        };
        for (Case k : cases) {
            k.measure(WARMUP_NANOS);
        }
        double[] best = new double[cases.length];
        double[] bestPerCpu = new double[cases.length];
        long[] alloc = new long[cases.length];
        for (int round = 0; round < ROUNDS; round++) { // interleaved, so load changes hit every case alike
            for (int i = 0; i < cases.length; i++) {
                long[] r = cases[i].measure(MEASURE_NANOS);
                best[i] = Math.max(best[i], r[0] * 1e9 / MEASURE_NANOS);
                bestPerCpu[i] = Math.max(bestPerCpu[i], r[0] * 1e9 / r[2]);
                alloc[i] = r[1];
            }
        }
        for (int i = 0; i < cases.length; i++) {
            System.out.printf("%-14s %-22s %,12.0f %,12.0f %,12.0f %,14d%n", shape, cases[i].name, best[i],
                    bestPerCpu[i], best[i] * cases[i].bytes / 1e6, alloc[i]);
        }
        System.out.printf("%-14s decode/JSON-decode speed-up %.1fx, encode/JSON-encode %.1fx, decode = %.1f byte copies%n",
                shape, best[1] / best[4], best[0] / best[3], best[2] / best[1]);
    }

    private record Case(String name, int bytes, Supplier<Object> op) {
        /**
         * @return {operations done in the wall-clock time, bytes allocated per operation, CPU nanoseconds
         *         this thread used}; ops per CPU-second approximates per-core throughput on a loaded machine
         */
        long[] measure(long nanos) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long allocBefore = threads.getCurrentThreadAllocatedBytes();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long ops = 0;
            while (System.nanoTime() - start < nanos) {
                sink = op.get();
                ops++;
            }
            long cpu = Math.max(1, threads.getCurrentThreadCpuTime() - cpuBefore);
            long perOp = (threads.getCurrentThreadAllocatedBytes() - allocBefore) / Math.max(1, ops);
            return new long[] {ops, perOp, cpu};
        }
    }

    /** A snapshot whose sample has one concrete (float) type, so that JSON can read it back. */
    record JsonSnapshot(TrainingContext context, LayerInfo layer, FilterParameters params, FilterGradients gradients,
                        ActivationAggregates activity, ResponseSample sample) {
    }
}
