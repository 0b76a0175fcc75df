package io.filterwatch.probe.stats;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.PruningRule;

/**
 * The thresholds of the paper (Mehta et al., CVPR 2019) as the probe applies them. Every metric
 * in this package refers to these constants; docs/metrics.md repeats them.
 */
public final class Definitions {
    /** Activation test: a response r(n,f) counts as firing only above this (absolute). */
    public static final double ACTIVE_RESPONSE = ActivationAggregates.ACTIVE_THRESHOLD; // 1e-12

    /** Scale test: |gamma_f| below this means the BN scale has switched the filter off (shared with the pruning plan). */
    public static final double DEAD_GAMMA = PruningRule.DEAD_GAMMA;

    /** Selectivity: a sampled response is "off" when r(n,f) < this * M_f (relative to the window max). */
    public static final double SELECTIVE_RELATIVE = 1e-3;

    /**
     * Upper bound of a dominance ratio. A loss gradient of exactly 0 against a non-zero pull would
     * be +Inf, which JSON cannot carry and a median would swallow; 1e6 already means "only the
     * regulariser acts" by five orders of magnitude.
     */
    public static final double DOMINANCE_CAP = 1e6;

    private Definitions() {
    }

    /** The scale test. A non-finite gamma is not judged (the snapshot is quarantined upstream). */
    public static boolean deadByScale(double gamma) {
        return PruningRule.deadByScale(gamma);
    }

    /**
     * The early warning "silent": no response above 1e-12 over a trailing window that covers the
     * required samples. Not the paper's test (that one spans an epoch of training samples,
     * {@link CorpusActivity}), so never counted as dead.
     */
    public static boolean silent(boolean windowCovered, double windowMaxResponse) {
        return windowCovered && windowMaxResponse <= ACTIVE_RESPONSE;
    }

    /** Sampled responses strictly below this count as "off" for selectivity. */
    public static double selectivityThreshold(double windowMaxResponse) {
        return SELECTIVE_RELATIVE * windowMaxResponse;
    }

    /** Histogram bin of a selectivity in [0,1]: floor(10 s), with s = 1 in the last bin
     * ({@link LayerStat#SELECTIVITY_BINS} bins over [0,1]). */
    public static int histogramBin(double selectivity) {
        int bin = (int) Math.floor(selectivity * LayerStat.SELECTIVITY_BINS);
        return Math.max(0, Math.min(LayerStat.SELECTIVITY_BINS - 1, bin));
    }
}
