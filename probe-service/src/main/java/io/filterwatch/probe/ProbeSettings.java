package io.filterwatch.probe;

import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The probe's tunables as a plain value, so the metric and state code runs (and is tested)
 * without Quarkus. {@link ProbeConfig} maps {@code application.properties} onto it.
 *
 * @param windowSamples          upper bound of the trailing window in training samples (50,000)
 * @param epochSamples           training samples per epoch if known; 0 = learn it from the stream: the
 *                               paper's activation test spans one epoch of training samples. The
 *                               window target is min(windowSamples, epoch) (docs/metrics.md)
 * @param maxSampleRows          per-sample response rows kept in a layer's window (memory bound)
 * @param dyingSnapshots         K: consecutive decaying snapshots that make a filter DYING, and
 *                               the hysteresis to leave DYING or REVIVED
 * @param refreshEvery           M: each filter is emitted at least every M merged snapshots of its
 *                               layer (all at the first, then C/M per snapshot, rolling)
 * @param relativeTolerance      emit a FilterStat when gamma, beta, ||w||, mean or max response
 *                               moved by more than this fraction since the last emitted value
 * @param fractionTolerance      same for quantities in [0,1] (activity, selectivity, spatial), absolute
 * @param dominanceFactor        same for dominance and decay ratios: moved when the ratio of new
 *                               to last emitted leaves [1/factor, factor]
 * @param adamEpsilon            the eps of the adaptive optimizer's denominator sqrt(v)+eps
 * @param expectedWorkers        workers per run; 0 = learn from the stream (docs/metrics.md)
 * @param mergeDepth             D: steps a layer's merge holds back while waiting for a worker's
 *                               snapshot (or for an older step that was overtaken); when more than
 *                               D steps wait, the oldest is merged with the workers present
 */
public record ProbeSettings(long windowSamples, long epochSamples, int maxSampleRows, int dyingSnapshots,
                            int refreshEvery, double relativeTolerance, double fractionTolerance,
                            double dominanceFactor, double adamEpsilon, int expectedWorkers,
                            int mergeDepth) {

    public ProbeSettings {
        require(windowSamples > 0, "windowSamples must be > 0");
        require(epochSamples >= 0, "epochSamples must be >= 0");
        require(maxSampleRows >= 0, "maxSampleRows must be >= 0");
        require(dyingSnapshots >= 1, "dyingSnapshots must be >= 1");
        require(refreshEvery >= 1, "refreshEvery must be >= 1");
        require(relativeTolerance >= 0 && fractionTolerance >= 0, "tolerances must be >= 0");
        require(dominanceFactor >= 1, "dominanceFactor must be >= 1");
        require(adamEpsilon >= 0, "adamEpsilon must be >= 0");
        require(expectedWorkers >= 0, "expectedWorkers must be >= 0");
        require(mergeDepth >= 1, "mergeDepth must be >= 1");
    }

    /** The defaults of {@link ProbeConfig}, read from its annotations: one place for each default. */
    public static ProbeSettings defaults() {
        return DEFAULTS;
    }

    private static final ProbeSettings DEFAULTS = new SmallRyeConfigBuilder().withMapping(ProbeConfig.class).build()
            .getConfigMapping(ProbeConfig.class).settings();

    public ProbeSettings withWindowSamples(long samples) {
        return new ProbeSettings(samples, epochSamples, maxSampleRows, dyingSnapshots, refreshEvery,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, expectedWorkers, mergeDepth);
    }

    public ProbeSettings withEpochSamples(long samples) {
        return new ProbeSettings(windowSamples, samples, maxSampleRows, dyingSnapshots, refreshEvery,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, expectedWorkers, mergeDepth);
    }

    public ProbeSettings withRefreshEvery(int m) {
        return new ProbeSettings(windowSamples, epochSamples, maxSampleRows, dyingSnapshots, m,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, expectedWorkers, mergeDepth);
    }

    public ProbeSettings withDyingSnapshots(int k) {
        return new ProbeSettings(windowSamples, epochSamples, maxSampleRows, k, refreshEvery,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, expectedWorkers, mergeDepth);
    }

    public ProbeSettings withExpectedWorkers(int w) {
        return new ProbeSettings(windowSamples, epochSamples, maxSampleRows, dyingSnapshots, refreshEvery,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, w, mergeDepth);
    }

    public ProbeSettings withMergeDepth(int d) {
        return new ProbeSettings(windowSamples, epochSamples, maxSampleRows, dyingSnapshots, refreshEvery,
                relativeTolerance, fractionTolerance, dominanceFactor, adamEpsilon, expectedWorkers, d);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
