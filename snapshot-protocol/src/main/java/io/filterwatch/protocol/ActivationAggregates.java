package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * Per-filter aggregates over EVERY training sample seen since the previous snapshot, so the
 * activation test (r(n,f) < 1e-12 for all n) sees the whole corpus, not a sample of it.
 * The response r(n,f) is the spatial max of the filter's output after BN and ReLU.
 *
 * @param windowStartStep first step covered (the step after the previous snapshot)
 * @param samplesSeen     training samples covered, the same for every filter of the layer
 * @param maxResponse     max over those samples of r(n,f)
 * @param activeCount     number of those samples with r(n,f) > 1e-12
 * @param responseSum     sum over those samples of r(n,f)
 */
public record ActivationAggregates(long windowStartStep, long samplesSeen,
                                   float[] maxResponse, long[] activeCount, double[] responseSum) {

    /** The paper's activation threshold: a response at or below it counts as "not firing". */
    public static final double ACTIVE_THRESHOLD = 1e-12;

    void requireFilterCount(int c) {
        Checks.requireLength("maxResponse", maxResponse, c);
        Checks.requireLength("activeCount", activeCount, c);
        Checks.requireLength("responseSum", responseSum, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationAggregates a
                && windowStartStep == a.windowStartStep
                && samplesSeen == a.samplesSeen
                && Arrays.equals(maxResponse, a.maxResponse)
                && Arrays.equals(activeCount, a.activeCount)
                && Arrays.equals(responseSum, a.responseSum);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(samplesSeen) * 31 + Arrays.hashCode(maxResponse);
    }

    @Override
    public String toString() {
        return "ActivationAggregates[C=" + maxResponse.length + ", samples=" + samplesSeen + "]";
    }
}
