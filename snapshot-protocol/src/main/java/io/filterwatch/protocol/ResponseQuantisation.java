package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * How sampled responses r(n,f) travel on the wire: as u16 codes relative to the filter's maximum over
 * the sample, S_f, so that both of the paper's tests stay decidable after decoding.
 *
 * <ul>
 * <li>Code 0 means r &lt;= 1e-12 and decodes to exactly 0. Every other code decodes to at least
 *     {@link #MIN_ACTIVE_RESPONSE}, the smallest float above 1e-12. So the absolute test
 *     {@code r > 1e-12} gives the same answer on decoded values as on the original ones, always.</li>
 * <li>Codes 1..65535 cover [0, S_f] in {@link #LEVELS} = 65534 equal steps:
 *     {@code q = 1 + round(r * (65534 / S_f))}, {@code r' = max(MIN_ACTIVE_RESPONSE, float((q - 1) * (S_f / 65534)))}.
 *     Hence |r' - r| &lt;= S_f / 131068 + float rounding &lt;= {@link #MAX_RELATIVE_ERROR} * S_f.</li>
 * </ul>
 * Code 1 is reserved for "active but below half a step": with a 65535-step grid and
 * {@code q = max(1, round(...))} a tiny active response would be pushed up to a whole step, twice the
 * half-step bound. The max code decodes to S_f exactly, so re-encoding decoded values is the identity.
 * Active fractions are not sent per sample: only their per-filter sum over the N samples (see
 * {@link #activeFractionSums}), which is all a consumer uses.
 *
 * <p>Each filter's N codes travel together and sorted (format version 3): every metric on the sample
 * is a per-filter count (zeros, codes below a threshold) or extreme, and on a sorted column each is a
 * binary search, where row order would need a pass over all N x C codes for every one. Which sample
 * gave which response is not kept; no metric uses it.
 */
public final class ResponseQuantisation {
    /** Equal steps between code 1 (value 0, clamped to {@link #MIN_ACTIVE_RESPONSE}) and code 65535 (value S_f). */
    public static final int LEVELS = 65_534;
    public static final int MAX_CODE = LEVELS + 1;
    /** The smallest float strictly greater than 1e-12 (as doubles): what an active response decodes to at least. */
    public static final float MIN_ACTIVE_RESPONSE = Math.nextUp((float) ActivationAggregates.ACTIVE_THRESHOLD);
    /**
     * Bound on |r' - r| / S_f: half a step (1/131068 = 7.6296e-6) plus float rounding of r' (2^-24 = 5.96e-8)
     * plus double rounding, rounded up.
     */
    public static final double MAX_RELATIVE_ERROR = 7.7e-6;
    private ResponseQuantisation() {
    }

    /**
     * The largest |r' - r| of any response of a filter whose maximum over the sample is {@code scale}:
     * {@link #MAX_RELATIVE_ERROR} * S_f for active responses, and 1e-12 at most for inactive ones
     * (r &lt;= 1e-12 decodes to exactly 0), whichever is larger.
     */
    public static double maxError(float scale) {
        return Math.max(scale * MAX_RELATIVE_ERROR, ActivationAggregates.ACTIVE_THRESHOLD);
    }

    /** Whether r counts as firing in the paper's absolute test; the wire preserves this exactly. */
    public static boolean isActive(float response) {
        return response > ActivationAggregates.ACTIVE_THRESHOLD;
    }

    /**
     * The wire form of a measured sample (which the encoder has validated: finite responses &gt;= 0,
     * fractions in [0, 1]): what {@link SnapshotCodec#decode} will return after encoding.
     */
    static QuantisedSample quantise(ResponseSample sample, int filterCount) {
        int n = sample.sampleCount();
        int c = filterCount;
        float[] responses = sample.responses();
        float[] scales = n == 0 ? new float[c] : scales(responses, n, c);
        double[] encodeFactors = new double[c];
        for (int f = 0; f < c; f++) {
            encodeFactors[f] = encodeFactor(scales[f]);
        }
        char[] rowMajor = new char[n * c];
        for (int row = 0; row < n * c; row += c) {
            for (int f = 0; f < c; f++) {
                rowMajor[row + f] = (char) code(responses[row + f], encodeFactors[f]);
            }
        }
        char[] codes = columnsFromRows(rowMajor, n, c);
        return new QuantisedSample(n, scales, codes, activeFractionSums(sample.activeFraction(), n, c),
                sample.nonFiniteCount());
    }

    /**
     * Per filter, sum_n a(n,f) over the N rows (row-major fractions in [0, 1]), summed in double in
     * row order and rounded once to float. Both rounding steps are monotone, so the sum stays in
     * [0, N] exactly, the range the decoder enforces.
     */
    static float[] activeFractionSums(float[] fractions, int n, int c) {
        double[] sums = new double[c];
        for (int row = 0; row < n * c; row += c) {
            for (int f = 0; f < c; f++) {
                sums[f] += fractions[row + f];
            }
        }
        float[] out = new float[c];
        for (int f = 0; f < c; f++) {
            out[f] = (float) sums[f];
        }
        return out;
    }

    /**
     * The rules a set of codes must follow to be what an encoder emits (shared by encoder and decoder):
     * valid scales; each filter's N codes in non-decreasing order; no code between 1 and the smallest
     * active code of its scale (and none above 0 at scale 0); the max code present for every filter
     * with a scale above 0; at least as many zero codes as non-finite responses (those were sent as 0).
     * One pass over the N x C codes (the order); the rest is O(C log N) on the sorted columns.
     */
    static void checkCodes(Rejector reject, QuantisedSample sample) {
        float[] scales = sample.scales();
        int c = scales.length;
        int n = sample.sampleCount();
        char[] codes = sample.codes();
        for (int f = 0; f < c; f++) {
            if (!isValidScale(scales[f])) {
                throw reject.reject("sample scale[" + f + "] = " + scales[f]
                        + " is not allowed: must be 0 or finite and > 1e-12");
            }
        }
        int unsorted = firstOutOfOrder(codes, n);
        if (unsorted >= 0) {
            throw reject.reject("response code " + (int) codes[unsorted] + " of filter " + unsorted / n + " at rank "
                    + unsorted % n + " is below the code before it: each filter's codes must be in non-decreasing order");
        }
        long zeroResponses = 0;
        for (int f = 0, from = 0; f < c; f++, from += n) {
            int zeros = zeroCount(codes, from, n);
            zeroResponses += zeros;
            if (scales[f] == 0f) {
                if (zeros < n) {
                    throw badCode(reject, codes[from + zeros], f, 0f);
                }
                continue;
            }
            if (zeros < n && scales[f] < ONLY_CODE_1_BELOW && codes[from + zeros] < smallestActiveCode(scales[f])) {
                throw badCode(reject, codes[from + zeros], f, scales[f]);
            }
            if (n == 0 || codes[from + n - 1] != MAX_CODE) {
                throw reject.reject("sample scale[" + f + "] = " + scales[f]
                        + " is not the filter's maximum over the sample: no response of filter " + f
                        + " has code " + MAX_CODE);
            }
        }
        WireRules.nonFiniteCount(reject, sample.nonFiniteCount(), zeroResponses);
    }

    private static RuntimeException badCode(Rejector reject, int code, int f, float scale) {
        if (scale == 0f) {
            return reject.reject("response code " + code + " of filter " + f
                    + " is non-zero but the filter's sample scale is 0 (no active response)");
        }
        return reject.reject("response code " + code + " of filter " + f
                + " is below " + smallestActiveCode(scale)
                + ", the smallest code of an active response at scale " + scale);
    }

    /**
     * The index of the first code below its predecessor in the same column (columns of n codes), or -1.
     * A plain loop on purpose: on JDK 17 the JIT vectorised none of the formulations tried over u16 codes
     * (max and compare widen to int), and this one, a predictable branch per code with the previous
     * code kept in a register, measured 3.6x faster than a max-into-scratch pass plus
     * {@link Arrays#mismatch} (5.7 against 1.6 codes per ns). It runs over all N x C codes of every record.
     */
    static int firstOutOfOrder(char[] codes, int n) {
        if (n == 0) {
            return -1;
        }
        for (int from = 0; from < codes.length; from += n) {
            int previous = codes[from];
            for (int i = from + 1; i < from + n; i++) {
                int code = codes[i];
                if (code < previous) {
                    return i;
                }
                previous = code;
            }
        }
        return -1;
    }

    /**
     * Codes of N samples in row order (N x C, as measured, and as format versions 1 and 2 sent them)
     * in the order the wire requires now: per filter, its N codes, sorted.
     */
    static char[] columnsFromRows(char[] rowMajor, int n, int c) {
        char[] codes = new char[rowMajor.length];
        for (int row = 0, i = 0; row < n; row++) {
            for (int f = 0; f < c; f++, i++) {
                codes[f * n + row] = rowMajor[i];
            }
        }
        for (int from = 0; from < codes.length; from += n) {
            Arrays.sort(codes, from, from + n);
        }
        return codes;
    }

    /**
     * Code 0s in the sorted column of n codes starting at {@code from}: the index of its first non-zero
     * code. The same as {@link #countBelow} with code 1.
     */
    public static int zeroCount(char[] codes, int from, int n) {
        return countBelow(codes, from, n, 1);
    }

    /**
     * Codes below {@code code} in the sorted column of n codes starting at {@code from} (the first
     * index at or above it, by binary search). With {@link #firstCodeNotBelow}: how many of a
     * filter's sampled responses decode to less than a threshold, in O(log N).
     */
    public static int countBelow(char[] codes, int from, int n, int code) {
        if (n == 0) {
            return 0;
        }
        // halves without a data-dependent branch (a conditional move): the answer is anywhere in
        // the column, so a branch would be mispredicted about every other step
        int base = from;
        for (int len = n; len > 1; ) {
            int half = len >>> 1;
            base = codes[base + half] < code ? base + half : base;
            len -= half;
        }
        return base - from + (codes[base] < code ? 1 : 0);
    }

    /**
     * The smallest code q whose decoded value is &gt;= t at this scale, so that for every code,
     * {@code value(code) < t} exactly when {@code code < firstCodeNotBelow(scale, t)} (decoding is
     * non-decreasing in the code). 0 when t &lt;= 0; {@link #MAX_CODE} + 1 when no code reaches t.
     * Lets a consumer classify N x C codes with integer comparisons instead of decoding them.
     */
    public static int firstCodeNotBelow(float scale, double t) {
        if (!(t > 0.0)) {
            return 0;
        }
        if (scale == 0f) {
            return MAX_CODE + 1; // only code 0 occurs at scale 0
        }
        if (MIN_ACTIVE_RESPONSE >= t) {
            return 1;
        }
        double step = decodeStep(scale);
        double estimate = Math.ceil(t / step); // may exceed every int, up to +inf: clamp before adding
        int q = estimate >= MAX_CODE ? MAX_CODE + 1 : 1 + (int) estimate;
        // the estimate is off by at most a code or two (float rounding of the decoded value)
        while (q > 1 && value(q - 1, step) >= t) {
            q--;
        }
        while (q <= MAX_CODE && value(q, step) < t) {
            q++;
        }
        return q;
    }

    /** The value a decoder gives {@code code} at this scale (0 for code 0), for tests on single codes. */
    public static float decodedValue(float scale, int code) {
        return value(code, decodeStep(scale));
    }

    /**
     * S_f = max over the sample of r(n,f), or 0 when no sampled response exceeds 1e-12 (then every code
     * is 0 and the scale is unused; sending 0 keeps the encoding canonical).
     */
    static float[] scales(float[] responses, int sampleCount, int filterCount) {
        float[] scales = new float[filterCount];
        for (int row = 0; row < sampleCount * filterCount; row += filterCount) {
            for (int f = 0; f < filterCount; f++) {
                scales[f] = Math.max(scales[f], responses[row + f]);
            }
        }
        for (int f = 0; f < filterCount; f++) {
            if (!isActive(scales[f])) {
                scales[f] = 0f;
            }
        }
        return scales;
    }

    /** Whether a decoder may accept this scale: +0 (no active response; -0 is not canonical) or finite and above 1e-12. */
    static boolean isValidScale(float scale) {
        return Float.floatToRawIntBits(scale) == 0 || (Float.isFinite(scale) && isActive(scale));
    }

    static double encodeFactor(float scale) {
        return scale > 0f ? LEVELS / (double) scale : 0.0;
    }

    static double decodeStep(float scale) {
        return scale / (double) LEVELS;
    }

    /** The code of a finite response r with 0 &lt;= r &lt;= S_f, given {@link #encodeFactor}(S_f). */
    static int code(float response, double encodeFactor) {
        // Branch-free (0 or 1 times the active code): active and inactive responses alternate unpredictably.
        int active = isActive(response) ? 1 : 0;
        return active * (1 + Math.min(LEVELS, roundHalfUp(response * encodeFactor)));
    }

    /**
     * floor(x + 0.5) for 0 &lt;= x &lt; 2^31, in double. Math.round does the same with extra care for
     * huge and negative values that cannot occur here, and costs several times more in the N x C loops.
     */
    private static int roundHalfUp(double x) {
        return (int) (x + 0.5);
    }

    /**
     * The decoded value of a code, given {@link #decodeStep}(S_f): 0 for code 0, else
     * max(MIN_ACTIVE_RESPONSE, float((code - 1) * step)). Written without branches (code 0 gives
     * max(0, 0)) because it runs N x C times per decode and codes 0 and non-0 alternate unpredictably.
     */
    static float value(int code, double decodeStep) {
        return Math.max((float) (Math.max(code - 1, 0) * decodeStep), MIN_ACTIVE_RESPONSE * Math.min(code, 1));
    }

    /**
     * The smallest code an encoder can emit for an active response at this scale; smaller non-zero codes
     * cannot come from an encoder and the decoder rejects them (they would not survive a re-encode).
     */
    static int smallestActiveCode(float scale) {
        return code(MIN_ACTIVE_RESPONSE, encodeFactor(scale));
    }

    /**
     * At every scale from this one up, {@link #smallestActiveCode} is 1 (the smallest active response
     * is under half a step), so any non-zero code is allowed: the decoder computes the smallest code
     * only below it. With margin: 1 + round(x) is 1 for x &lt; 0.5, and here x &lt;= 0.25.
     */
    static final float ONLY_CODE_1_BELOW = (float) (4.0 * MIN_ACTIVE_RESPONSE * LEVELS);

}
