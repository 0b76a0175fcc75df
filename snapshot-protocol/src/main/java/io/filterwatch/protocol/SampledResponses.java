package io.filterwatch.protocol;

/**
 * The responses r(n,f) of N training samples and, per filter, the sum over the N samples of the
 * fraction of its spatial positions that fired, in one of two forms: {@link ResponseSample} as the
 * trainer measured them (row-major N x C, row n = sample n), or {@link QuantisedSample} as they
 * travel on the wire (and as {@link SnapshotCodec#decode} returns them: each filter's responses
 * sorted, so row n = the (n+1)-th smallest of each filter, not a sample). A consumer that needs only comparisons and sums (the
 * probe) works on the codes of the quantised form and never materialises N x C floats.
 */
public sealed interface SampledResponses permits ResponseSample, QuantisedSample {

    /** N, may be 0. */
    int sampleCount();

    /** Responses that were NaN or Inf in the trainer and were sent as 0 (reported, never dropped silently). */
    int nonFiniteCount();

    /**
     * r(n,f) as floats, row-major N x C. For the quantised form this decodes a new array on every call,
     * and rows are ranks (each filter's responses in ascending order), not samples.
     */
    float[] responses();

    /** r(n,f): sample n's response (measured form) or filter f's (n+1)-th smallest (quantised form). */
    float response(int n, int f, int filterCount);

    /**
     * sum_n a(n,f): the active fractions of filter f summed over the N samples, as a float (summed
     * in double, then rounded once), in [0, N]. The wire carries this sum, not the N fractions: the
     * probe only ever sums them.
     */
    float activeFractionSum(int f, int filterCount);

    /** This sample in wire form: what the decoder will return after an encode. */
    QuantisedSample quantised(int filterCount);

    void requireFilterCount(int c);
}
