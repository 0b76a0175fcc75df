package io.filterwatch.protocol;

/**
 * The value rules of the snapshot format, shared by encoder and decoder (see {@link Rejector}).
 * Structural and configuration values must be finite and in range; measured per-filter values
 * (gamma, beta, norms, gradients, RMS, maxResponse, responseSum) may be NaN or Inf on purpose, so a
 * diverging run still reaches the probe, and have no rule here.
 */
final class WireRules {
    private WireRules() {
    }

    static void range(Rejector rejector, String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw rejector.reject(field + " = " + value + " is out of range " + min + ".." + max);
        }
    }

    static void finiteNonNegative(Rejector rejector, String field, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw rejector.reject(field + " = " + value + " is not allowed: must be finite and >= 0");
        }
    }

    static void header(Rejector rejector, TrainingContext context, LayerInfo layer) {
        range(rejector, "workerRank", context.workerRank(), 0, Integer.MAX_VALUE);
        range(rejector, "step", context.step(), 0, Long.MAX_VALUE);
        range(rejector, "epoch", context.epoch(), 0, Integer.MAX_VALUE);
        range(rejector, "wallClockMillis", context.wallClockMillis(), 0, Long.MAX_VALUE);
        finiteNonNegative(rejector, "learningRate", context.learningRate());
        finiteNonNegative(rejector, "l2", context.l2());
        finiteNonNegative(rejector, "weightDecay", context.weightDecay());
        range(rejector, "batchSize", context.batchSize(), 1, Integer.MAX_VALUE);
        range(rejector, "layerIndex", layer.index(), 0, Integer.MAX_VALUE);
        filterCount(rejector, layer.filterCount());
        range(rejector, "outHeight H", layer.outHeight(), 1, WireFormat.MAX_MAP_SIDE);
        range(rejector, "outWidth W", layer.outWidth(), 1, WireFormat.MAX_MAP_SIDE);
    }

    static void filterCount(Rejector rejector, long c) {
        range(rejector, "filterCount C", c, 1, WireFormat.MAX_FILTERS);
    }

    static void window(Rejector rejector, long windowStartStep, long samplesSeen) {
        range(rejector, "windowStartStep", windowStartStep, 0, Long.MAX_VALUE);
        range(rejector, "samplesSeen", samplesSeen, 0, Long.MAX_VALUE);
    }

    /** String lengths in UTF-8 bytes; the run id and layer name form the Kafka key and may not be empty. */
    static void stringLength(Rejector rejector, String field, int utf8Bytes) {
        range(rejector, field + " length in UTF-8 bytes", utf8Bytes, minStringBytes(field), WireFormat.MAX_STRING_BYTES);
    }

    private static int minStringBytes(String field) {
        return field.equals("optimizer") ? 0 : 1;
    }

    static void nonNegative(Rejector rejector, String field, int[] values) {
        for (int f = 0; f < values.length; f++) {
            if (values[f] < 0) {
                throw rejector.reject(field + "[" + f + "] = " + values[f] + " is negative");
            }
        }
    }

    static void nonNegative(Rejector rejector, String field, long[] values) {
        for (int f = 0; f < values.length; f++) {
            if (values[f] < 0) {
                throw rejector.reject(field + "[" + f + "] = " + values[f] + " is negative");
            }
        }
    }

    /** Counts of samples above the threshold cannot exceed the samples seen. */
    static void activeCounts(Rejector rejector, long[] activeCount, long samplesSeen) {
        for (int f = 0; f < activeCount.length; f++) {
            if (activeCount[f] < 0 || activeCount[f] > samplesSeen) {
                throw rejector.reject("activeCount[" + f + "] = " + activeCount[f]
                        + " is out of range 0..samplesSeen (" + samplesSeen + ")");
            }
        }
    }

    /** A sample section is only sent when it has at least one sample (flag bit 1 says so). */
    static void sampleCount(Rejector rejector, long n) {
        range(rejector, "sampleCount N", n, 1, WireFormat.MAX_SAMPLES);
    }

    /** Each filter's active fractions sum over N rows, each in [0, 1]: the sum lies in [0, N]. */
    static void activeFractionSums(Rejector rejector, float[] sums, int n) {
        for (int f = 0; f < sums.length; f++) {
            if (!(sums[f] >= 0f && sums[f] <= n)) {
                throw rejector.reject("activeFractionSum[" + f + "] = " + sums[f]
                        + " is not allowed: must be in [0, N = " + n + "]");
            }
        }
    }

    /** Non-finite responses were replaced by 0, so they are among the zero responses. */
    static void nonFiniteCount(Rejector rejector, long nonFiniteCount, long zeroResponses) {
        if (nonFiniteCount < 0 || nonFiniteCount > zeroResponses) {
            throw rejector.reject("nonFiniteCount = " + nonFiniteCount
                    + " is out of range 0..(number of zero responses = " + zeroResponses + ")");
        }
    }
}
