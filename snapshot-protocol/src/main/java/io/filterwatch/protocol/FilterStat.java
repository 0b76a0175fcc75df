package io.filterwatch.protocol;

/**
 * Per-filter statistics, probe to aggregator (JSON on {@link Topics#FILTER_STATS}). Emitted when
 * the filter's state changes or its values move beyond a tolerance, and on periodic full refreshes.
 * Formulas: {@code docs/metrics.md}. Nullable numbers are undefined, never NaN (JSON has none).
 */
public record FilterStat(
        String runId,
        String layer,
        int layerIndex,
        int filter,
        long step,
        int epoch,
        long wallClockMillis,
        FilterState state,
        long stateSinceStep,
        boolean deadByActivation,
        boolean deadByScale,
        long windowSamples,
        double windowMaxResponse,
        double activityRate,
        Double selectivity,
        Double spatialActivity,
        double meanResponse,
        double gamma,
        double beta,
        double weightNorm,
        Double gammaDominance,
        Double betaDominance,
        Double weightDominance,
        Double adaptiveDecayRatio,
        boolean refresh) {
}
