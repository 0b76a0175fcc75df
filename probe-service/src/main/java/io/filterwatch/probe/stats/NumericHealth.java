package io.filterwatch.probe.stats;

import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.LayerSnapshot;

/** Counts NaN and Inf in a snapshot: the numeric-health signal (LayerStat.nonFiniteValues). */
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

    /**
     * Sampled responses that were NaN or Inf in the trainer, which it sent as 0 and counted. They are
     * reported but do not quarantine the snapshot (the aggregates stay usable). The sampled values
     * themselves need no scan: the codec rejects any non-finite or negative sampled response, on
     * encode and on decode.
     */
    public static int sampled(LayerSnapshot s) {
        return s.sample().nonFiniteCount();
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
