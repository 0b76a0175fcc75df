package io.filterwatch.protocol;

/**
 * Per-filter statistics, probe to aggregator (JSON on {@link Topics#FILTER_STATS}). Emitted when
 * the filter's state changes or its values move beyond a tolerance, and on periodic full refreshes.
 * Formulas: {@code docs/metrics.md}. Nullable numbers are undefined, never NaN (JSON has none).
 *
 * <p>{@code windowMaxResponse}, {@code gamma}, {@code beta} and {@code weightNorm} are {@code float}:
 * they are the trainer's float32 values (or maxima of them), so JSON carries the float's shortest
 * digits (0.3, not the widened double's 0.30000001192092896) and reads them back bit-exactly. The
 * other numbers are computed in double.
 *
 * <p>{@code deadByActivation} is the paper's activation test over the last epoch of training
 * samples: null while fewer than one epoch was seen (not yet decidable). {@code silent} is the
 * early warning over the trailing window. {@code lastFiredStep}: the step of the last snapshot in
 * which the filter fired on a captured sample, null if it never did.
 *
 * <p>{@code refresh}: sent only because the filter's periodic refresh was due; its state, dead flags and
 * every value the output policy watches are within tolerance of the filter's last FilterStat without the
 * flag (a full one). Every value is still carried; the aggregator writes only the fields of
 * {@code InfluxSchema.FILTER_REFRESH_FIELDS} for it. A filter due for its refresh whose values moved gets
 * a full FilterStat instead, and so does every filter on a run's first snapshot.
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
        Boolean deadByActivation,
        boolean deadByScale,
        boolean silent,
        Long lastFiredStep,
        long windowSamples,
        float windowMaxResponse,
        double activityRate,
        Double selectivity,
        Double spatialActivity,
        double meanResponse,
        float gamma,
        float beta,
        float weightNorm,
        Double gammaDominance,
        Double betaDominance,
        Double weightDominance,
        Double adaptiveDecayRatio,
        Double regulariserStepShare,
        boolean refresh) {
}
