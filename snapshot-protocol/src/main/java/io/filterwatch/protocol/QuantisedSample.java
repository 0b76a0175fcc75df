package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * A response sample in wire form ({@link ResponseQuantisation}): per filter the scale S_f (its max over
 * the sample, exactly) and the sum of its active fractions over the N samples; per response a u16
 * code, row-major N x C. This is what {@link SnapshotCodec#decode} returns, a quarter of the size of
 * the float form.
 *
 * <p>Comparisons can be made on codes: decoding is non-decreasing in the code, so
 * {@code r'(n,f) < t} exactly when {@code codes[n*C+f] < ResponseQuantisation.firstCodeNotBelow(S_f, t)};
 * and the largest code of a filter with S_f &gt; 0 is {@link ResponseQuantisation#MAX_CODE}, which
 * decodes to S_f bit for bit. Instances made by the codec or by {@link ResponseSample#quantised} are
 * valid; the encoder checks any other against the same rules as the decoder.
 *
 * @param sampleCount    N, may be 0
 * @param scales         S_f per filter (length C); 0 when no sampled response of f is above 1e-12
 * @param codes          response codes, row-major N x C
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

    @Override
    public float[] responses() {
        int c = scales.length;
        float[] out = new float[codes.length];
        for (int f = 0; f < c; f++) {
            double step = ResponseQuantisation.decodeStep(scales[f]);
            for (int i = f; i < out.length; i += c) {
                out[i] = ResponseQuantisation.value(codes[i], step);
            }
        }
        return out;
    }

    @Override
    public float response(int n, int f, int filterCount) {
        return ResponseQuantisation.value(codes[n * filterCount + f], ResponseQuantisation.decodeStep(scales[f]));
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
