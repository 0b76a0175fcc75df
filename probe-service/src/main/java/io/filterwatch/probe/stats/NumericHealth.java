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
        FilterGradients g = s.gradients();
        int n = count(s.params().gamma()) + count(s.params().beta()) + count(s.params().weightNorm())
                + count(g.gradGamma()) + count(g.gradBeta()) + count(g.gradWeightNorm())
                + count(s.activity().maxResponse()) + count(s.activity().responseSum());
        if (g.hasSecondMoments()) {
            n += count(g.rmsGamma()) + count(g.rmsBeta()) + count(g.rmsWeight());
        }
        return n;
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
