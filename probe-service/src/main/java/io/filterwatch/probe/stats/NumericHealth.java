package io.filterwatch.probe.stats;

import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.LayerSnapshot;

/**
 * Counts NaN and Inf in a snapshot: the numeric-health signal (LayerStat.nonFiniteValues).
 * Sampled responses need no scan: the trainer sent non-finite ones as 0 and counted them
 * ({@code WorkerMerge.Merged#sampledNonFinite}), and the codec rejects any other.
 */
public final class NumericHealth {
    private NumericHealth() {
    }

    /**
     * Non-finite values among the per-filter parameters, gradients, second moments and activity
     * aggregates. A snapshot with any of these is quarantined: it cannot tell a dead filter from
     * a diverged one, so it updates neither window nor states.
     */
    public static int inputs(LayerSnapshot s) {
        if (allFinite(s)) {
            return 0;
        }
        FilterGradients g = s.gradients();
        int n = count(s.params().gamma()) + count(s.params().beta()) + count(s.params().weightNorm())
                + count(g.gradGamma()) + count(g.gradBeta()) + count(g.gradWeightNorm())
                + count(s.activity().maxResponse()) + count(s.activity().responseSum());
        if (g.hasSecondMoments()) {
            n += count(g.rmsGamma()) + count(g.rmsBeta()) + count(g.rmsWeight());
        }
        return n;
    }

    /**
     * The common case, checked fast: per filter the largest |x| over the float arrays, which is
     * finite exactly when every x is (Math.max keeps NaN and infinity). Element by element into
     * one array, these loops are vectorised; a count with a test per value is not.
     */
    private static boolean allFinite(LayerSnapshot s) {
        FilterGradients g = s.gradients();
        float[] largest = new float[s.filterCount()];
        largest(largest, s.params().gamma());
        largest(largest, s.params().beta());
        largest(largest, s.params().weightNorm());
        largest(largest, g.gradGamma());
        largest(largest, g.gradBeta());
        largest(largest, g.gradWeightNorm());
        largest(largest, s.activity().maxResponse());
        if (g.hasSecondMoments()) {
            largest(largest, g.rmsGamma());
            largest(largest, g.rmsBeta());
            largest(largest, g.rmsWeight());
        }
        return count(largest) == 0 && count(s.activity().responseSum()) == 0;
    }

    private static void largest(float[] largest, float[] a) {
        for (int i = 0; i < largest.length; i++) {
            largest[i] = Math.max(largest[i], Math.abs(a[i]));
        }
    }

    private static int count(float[] a) {
        int n = 0;
        for (float x : a) {
            if (!Float.isFinite(x)) {
                n++;
            }
        }
        return n;
    }

    private static int count(double[] a) {
        int n = 0;
        for (double x : a) {
            if (!Double.isFinite(x)) {
                n++;
            }
        }
        return n;
    }
}
