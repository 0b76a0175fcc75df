package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * A response sample in wire form ({@link ResponseQuantisation}): per filter the scale S_f (its max over
 * the sample, exactly), the sum of its active fractions over the N samples, and its N response codes
 * (u16), sorted: column-major C x N, filter f's codes at {@code codes[f*N .. f*N+N-1]} in
 * non-decreasing order. This is what {@link SnapshotCodec#decode} returns, a quarter of the size of
 * the float form. Rows are ranks, not samples: {@link #response}(n, f) is filter f's (n+1)-th
 * smallest sampled response (which sample gave it is not kept; no metric needs it).
 *
 * <p>Comparisons can be made on codes: decoding is non-decreasing in the code, so
 * {@code r' < t} exactly when {@code code < ResponseQuantisation.firstCodeNotBelow(S_f, t)}, and how many
 * of a filter's responses are below t is one {@link ResponseQuantisation#countBelow} on its column;
 * the largest code of a filter with S_f &gt; 0 is {@link ResponseQuantisation#MAX_CODE}, which
 * decodes to S_f bit for bit. Instances made by the codec or by {@link ResponseSample#quantised} are
 * valid; the encoder checks any other against the same rules as the decoder.
 *
 * @param sampleCount    N, may be 0
 * @param scales         S_f per filter (length C); 0 when no sampled response of f is above 1e-12
 * @param codes          response codes, column-major C x N, each filter's N codes sorted
 * @param activeFractionSums per filter, sum_n a(n,f) in [0, N] (length C)
 * @param nonFiniteCount responses that were NaN or Inf in the trainer and were sent as 0
 */
public record QuantisedSample(int sampleCount, float[] scales, char[] codes, float[] activeFractionSums, int nonFiniteCount)
        implements SampledResponses {

    /** No sample, for a layer of C filters. */
    public static QuantisedSample empty(int filterCount) {
        return new QuantisedSample(0, new float[filterCount], new char[0], new float[filterCount], 0);
    }

    public int filterCount() {
        return scales.length;
    }

    /** Rank-major N x C: row n holds every filter's (n+1)-th smallest response (see the class comment). */
    @Override
    public float[] responses() {
        int c = scales.length;
        float[] out = new float[codes.length];
        for (int f = 0; f < c; f++) {
            double step = ResponseQuantisation.decodeStep(scales[f]);
            for (int n = 0; n < sampleCount; n++) {
                out[n * c + f] = ResponseQuantisation.value(codes[f * sampleCount + n], step);
            }
        }
        return out;
    }

    /** Filter f's (n+1)-th smallest response. */
    @Override
    public float response(int n, int f, int filterCount) {
        return ResponseQuantisation.value(codes[f * sampleCount + n], ResponseQuantisation.decodeStep(scales[f]));
    }

    @Override
    public float activeFractionSum(int f, int filterCount) {
        return activeFractionSums[f];
    }

    @Override
    public QuantisedSample quantised(int filterCount) {
        requireFilterCount(filterCount);
        return this;
    }

    @Override
    public void requireFilterCount(int c) {
        Checks.requireLength("scales", scales, c);
        Checks.requireLength("codes", codes, sampleCount * c);
        Checks.requireLength("activeFractionSums", activeFractionSums, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantisedSample s
                && sampleCount == s.sampleCount
                && nonFiniteCount == s.nonFiniteCount
                && Arrays.equals(scales, s.scales)
                && Arrays.equals(codes, s.codes)
                && Arrays.equals(activeFractionSums, s.activeFractionSums);
    }

    @Override
    public int hashCode() {
        return sampleCount * 31 + Arrays.hashCode(codes);
    }

    @Override
    public String toString() {
        return "QuantisedSample[N=" + sampleCount + ", C=" + scales.length + ", nonFinite=" + nonFiniteCount + "]";
    }
}
