package io.filterwatch.probe.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.state.ActivityWindow;
import io.filterwatch.probe.state.LayerTracker;
import io.filterwatch.probe.state.WorkerMerge;
import io.filterwatch.probe.stats.LayerMetrics;
import io.filterwatch.probe.stats.LayerSummary;
import io.filterwatch.probe.stats.NumericHealth;
import io.filterwatch.probe.stats.Quantiles;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.QuantisedSample;
import io.filterwatch.protocol.SnapshotCodec;

/**
 * Where {@code LayerTracker.accept} spends its time, by thread CPU time, on the inputs of
 * {@link ProbeBenchmark} (C = 2048, N = 128, the ring of 384 encoded snapshots from seed 42).
 *
 * <p>Per round, two passes over the ring, each snapshot decoded just before it is used (untimed;
 * its arrays are then as warm in the caches as in the probe, where decode precedes accept):
 * <ol>
 * <li>{@code LayerTracker.accept}, a fresh LayerTracker at each wrap as the benchmark's processor;</li>
 * <li>on a window of its own, the same {@code ActivityWindow.add} and {@code LayerMetrics.compute}.</li>
 * </ol>
 * "rest" is accept - add - compute: the worker merge, numeric health, states, output policy,
 * FilterStat construction and layer summary together. It is taken per snapshot, median over the
 * rounds (a pause that hits one snapshot in one round is dropped), then averaged over the ring.
 * The two passes are kept apart on purpose: timing the window right after accept on the same
 * snapshot finds its sample in the caches and makes "rest" look about 70 us larger than it is.
 * Then the suspected pieces, each alone over the ring (cold caches: upper bounds).
 *
 * <pre>java -Xmx2g -cp "$CP" io.filterwatch.probe.bench.StatePhases [rounds] [C]</pre>
 */
public final class StatePhases {
    /** The paper's test before an epoch was seen: the metrics' pass costs the same either way. */
    private static final io.filterwatch.probe.stats.CorpusActivity UNDECIDED = new io.filterwatch.probe.stats.CorpusActivity() {
        @Override
        public boolean decided() {
            return false;
        }

        @Override
        public boolean dead(int f) {
            return false;
        }

        @Override
        public long lastFiredStep(int f) {
            return -1;
        }
    };

    private static final int RING = 384;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private StatePhases() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int c = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        Random random = new Random(42);
        byte[][] records = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            records[i] = SnapshotCodec.encode(ProbeBenchmark.snapshot(random, c, 128, 100L * (i + 1)));
        }
        ProbeSettings settings = ProbeSettings.defaults();
        String[] names = {"accept", "window.add", "metrics", "merge.offer", "health", "summary", "quantiles"};
        double[][] ms = new double[names.length][rounds];
        long[][] rest = new long[RING][rounds];
        LayerSnapshot[] ring = new LayerSnapshot[RING];
        LayerMetrics[] metrics = new LayerMetrics[RING];
        FilterState[][] states = new FilterState[RING][];
        long[] accept = new long[RING];
        long sink = 0;
        for (int r = -2; r < rounds; r++) { // two rounds of warm-up
            long[] t = new long[names.length];
            LayerTracker state = null;
            for (int i = 0; i < RING; i++) {
                if (i == 0) {
                    state = new LayerTracker(c, settings);
                }
                LayerSnapshot s = SnapshotCodec.decode(records[i]);
                long a = MX.getCurrentThreadCpuTime();
                sink += state.accept(s).filterStats().size();
                accept[i] = MX.getCurrentThreadCpuTime() - a;
                t[0] += accept[i];
            }
            ActivityWindow window = new ActivityWindow(c, settings.maxSampleRows());
            for (int i = 0; i < RING; i++) {
                LayerSnapshot s = ring[i] = SnapshotCodec.decode(records[i]);
                long a = MX.getCurrentThreadCpuTime();
                window.add(s.context().step(), s.activity(), List.of((QuantisedSample) s.sample()), settings.windowSamples());
                long b = MX.getCurrentThreadCpuTime();
                metrics[i] = LayerMetrics.compute(s, window, settings.windowSamples(), UNDECIDED, settings.adamEpsilon());
                long d = MX.getCurrentThreadCpuTime();
                t[1] += b - a;
                t[2] += d - b;
                if (r >= 0) {
                    rest[i][r] = accept[i] - (d - a);
                }
            }
            // the pieces alone; worker merge: single worker, each step flushed when the next arrives
            long t0 = MX.getCurrentThreadCpuTime();
            WorkerMerge merge = new WorkerMerge(settings.expectedWorkers(), settings.mergeDepth());
            for (LayerSnapshot s : ring) {
                for (WorkerMerge.Merged m : merge.offer(s).ready()) {
                    sink += m.sampledNonFinite();
                }
            }
            t[3] = MX.getCurrentThreadCpuTime() - t0;
            t0 = MX.getCurrentThreadCpuTime();
            for (LayerSnapshot s : ring) {
                sink += NumericHealth.inputs(s);
            }
            t[4] = MX.getCurrentThreadCpuTime() - t0;
            for (int i = 0; i < RING; i++) {
                if (states[i] == null) { // a plausible mix of states; the summary does not care which
                    states[i] = new FilterState[c];
                    for (int f = 0; f < c; f++) {
                        states[i][f] = metrics[i].dead(f) ? FilterState.DEAD : f % 17 == 0 ? FilterState.DYING : FilterState.ALIVE;
                    }
                }
            }
            t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < RING; i++) {
                sink += LayerSummary.of(ring[i], 1, metrics[i], states[i], 0).alive();
            }
            t[5] = MX.getCurrentThreadCpuTime() - t0;
            t0 = MX.getCurrentThreadCpuTime();
            for (LayerMetrics m : metrics) {
                sink += (long) (Quantiles.of(m.gammaDominance, 0.5, 0.9)[1] + Quantiles.of(m.betaDominance, 0.5, 0.9)[0]
                        + Quantiles.of(m.weightDominance, 0.5)[0] + Quantiles.of(m.adaptiveDecayRatio, 0.5)[0]);
            }
            t[6] = MX.getCurrentThreadCpuTime() - t0;
            if (r >= 0) {
                for (int k = 0; k < names.length; k++) {
                    ms[k][r] = t[k] / 1e6 / RING;
                }
            }
        }
        System.out.printf("C=%d N=128, ring %d, %d rounds; ms per snapshot (median, min-max over rounds)%n", c, RING, rounds);
        for (int k = 0; k < names.length; k++) {
            double[] v = ms[k].clone();
            Arrays.sort(v);
            System.out.printf("  %-12s %.4f  (%.4f-%.4f)%n", names[k], v[rounds / 2], v[0], v[rounds - 1]);
        }
        System.out.printf("  rest = accept - window.add - metrics, per snapshot the median of the rounds: %.4f ms%n",
                medianPerSnapshot(rest));
        System.out.println("  (sink " + sink + ")");
    }

    /** Per snapshot of the ring the median over the rounds, averaged over the ring, in ms. */
    private static double medianPerSnapshot(long[][] perSnapshot) {
        double sum = 0;
        for (long[] rounds : perSnapshot) {
            long[] v = rounds.clone();
            Arrays.sort(v);
            sum += v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
        }
        return sum / perSnapshot.length / 1e6;
    }
}
