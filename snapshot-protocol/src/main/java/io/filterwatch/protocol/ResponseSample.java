package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * Per-sample responses of N training samples as the trainer measured them, row-major N x C
 * ({@code responses[n * C + f]}). On the wire the responses are quantised relative to each filter's
 * max over the sample ({@link QuantisedSample}); see {@link SnapshotCodec} for the error bound.
 *
 * @param sampleCount      N, may be 0
 * @param responses        r(n,f), spatial max of the output after BN and ReLU, finite and >= 0
 * @param activeFraction   fraction of the filter's spatial positions with output > 1e-12, in [0,1]
 * @param nonFiniteCount   responses that were NaN or Inf in the trainer and were sent as 0
 *                         (reported, never silently dropped)
 */
public record ResponseSample(int sampleCount, float[] responses, float[] activeFraction, int nonFiniteCount)
        implements SampledResponses {

    public static ResponseSample empty() {
        return new ResponseSample(0, new float[0], new float[0], 0);
    }

    /**
     * The sample a trainer should send: every NaN or infinite response is replaced, IN PLACE, by 0 and
     * counted in {@link #nonFiniteCount}, because the wire carries only finite responses (the encoder
     * rejects others) but a diverging run must still be reported, not dropped. The arrays are handed
     * over, not copied, like every array of these records.
     *
     * @param responses      r(n,f), row-major N x C; modified in place
     * @param activeFraction fraction of active spatial positions, row-major N x C, in [0, 1]
     */
    public static ResponseSample sanitised(int sampleCount, float[] responses, float[] activeFraction) {
        int nonFinite = 0;
        for (int i = 0; i < responses.length; i++) {
            if (!Float.isFinite(responses[i])) {
                responses[i] = 0f;
                nonFinite++;
            }
        }
        return new ResponseSample(sampleCount, responses, activeFraction, nonFinite);
    }

    @Override
    public QuantisedSample quantised(int filterCount) {
        return ResponseQuantisation.quantise(this, filterCount);
    }

    @Override
    public float response(int n, int f, int filterCount) {
        return responses[n * filterCount + f];
    }

    /** a(n,f), as measured. */
    public float activeFraction(int n, int f, int filterCount) {
        return activeFraction[n * filterCount + f];
    }

    @Override
    public float activeFractionSum(int f, int filterCount) {
        double sum = 0; // in row order, as ResponseQuantisation.activeFractionSums adds them
        for (int i = f; i < sampleCount * filterCount; i += filterCount) {
            sum += activeFraction[i];
        }
        return (float) sum;
    }

    @Override
    public void requireFilterCount(int c) {
        Checks.requireLength("responses", responses, sampleCount * c);
        Checks.requireLength("activeFraction", activeFraction, sampleCount * c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResponseSample s
                && sampleCount == s.sampleCount
                && nonFiniteCount == s.nonFiniteCount
                && Arrays.equals(responses, s.responses)
                && Arrays.equals(activeFraction, s.activeFraction);
    }

    @Override
    public int hashCode() {
        return sampleCount * 31 + Arrays.hashCode(responses);
    }

    @Override
    public String toString() {
        return "ResponseSample[N=" + sampleCount + ", nonFinite=" + nonFiniteCount + "]";
    }
}
