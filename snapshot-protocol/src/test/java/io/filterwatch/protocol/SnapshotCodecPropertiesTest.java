package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Property-based round trips and the quantisation's error bounds. */
class SnapshotCodecPropertiesTest {

    @Property(tries = 300)
    void decodeOfEncodeIsTheSnapshotWithItsSampleQuantised(@ForAll long seed,
                                                           @ForAll @IntRange(min = 1, max = 40) int c,
                                                           @ForAll @IntRange(min = 0, max = 24) int n,
                                                           @ForAll boolean secondMoments) {
        LayerSnapshot snapshot = SnapshotFixtures.random(new Random(seed), c, n, secondMoments);
        byte[] bytes = SnapshotCodec.encode(snapshot);
        LayerSnapshot decoded = SnapshotCodec.decode(bytes);
        assertThat(decoded).isEqualTo(SnapshotCodec.quantised(snapshot));
        // Idempotent on decoded values: quantising twice changes nothing, so the bytes are the same.
        assertThat(SnapshotCodec.encode(decoded)).isEqualTo(bytes);
        assertThat(bytes).hasSize(SnapshotCodec.encodedSize(c, n, secondMoments, utf8Bytes(snapshot)));
    }

    @Property(tries = 300)
    void sampledResponsesStayWithinTheStatedBounds(@ForAll long seed,
                                                   @ForAll @IntRange(min = 1, max = 16) int c,
                                                   @ForAll @IntRange(min = 1, max = 64) int n) {
        LayerSnapshot snapshot = SnapshotFixtures.random(new Random(seed), c, n, false);
        SampledResponses original = snapshot.sample();
        SampledResponses decoded = SnapshotCodec.decode(SnapshotCodec.encode(snapshot)).sample();
        for (int f = 0; f < c; f++) {
            float scale = sampleMax(original, f, c);
            // the wire keeps each filter's responses sorted; quantisation is monotone, so rank s of the
            // decoded column is the quantised s-th smallest original response
            float[] ascending = new float[n];
            for (int s = 0; s < n; s++) {
                ascending[s] = original.response(s, f, c);
            }
            java.util.Arrays.sort(ascending);
            for (int s = 0; s < n; s++) {
                float r = ascending[s];
                float rq = decoded.response(s, f, c);
                // Absolute test: exact.
                assertThat(ResponseQuantisation.isActive(rq)).as("r(%d,%d) = %s -> %s", s, f, r, rq)
                        .isEqualTo(ResponseQuantisation.isActive(r));
                // Relative error: |r' - r| <= 7.7e-6 * S_f (S_f / 131068 plus rounding).
                if (ResponseQuantisation.isActive(r)) {
                    assertThat(Math.abs((double) rq - r)).isLessThanOrEqualTo(scale * ResponseQuantisation.MAX_RELATIVE_ERROR);
                } else {
                    assertThat(rq).isZero();
                }
            }
            // Active fractions travel as their per-filter sum over the rows: exact, and within [0, N].
            double sum = 0;
            for (int s = 0; s < n; s++) {
                sum += ((ResponseSample) original).activeFraction(s, f, c);
            }
            assertThat(decoded.activeFractionSum(f, c)).isEqualTo((float) sum).isBetween(0f, (float) n)
                    .isEqualTo(original.activeFractionSum(f, c));
        }
    }

    /**
     * Directly at the relative threshold: any r farther than maxError(S_f) = max(7.7e-6 S_f, 1e-12) from it
     * is classified as the original (the 1e-12 only matters for filters whose max is below ~1e-9).
     */
    /**
     * The code-space comparison the probe relies on: for every code q of a filter at scale S,
     * value(q) < t exactly when q < firstCodeNotBelow(S, t). Checked over all 65,536 codes, with
     * thresholds placed on, just below and just above decoded values and at random.
     */
    @Property(tries = 60)
    void comparingCodesIsComparingDecodedValues(@ForAll @DoubleRange(min = -13, max = 6) double log10Scale,
                                                @ForAll @IntRange(min = 0, max = ResponseQuantisation.MAX_CODE) int code,
                                                @ForAll @DoubleRange(min = -0.01, max = 1.01) double relative) {
        float scale = (float) Math.pow(10, log10Scale);
        if (!ResponseQuantisation.isValidScale(scale)) {
            scale = 0f;
        }
        double step = ResponseQuantisation.decodeStep(scale);
        float onValue = ResponseQuantisation.value(code, step);
        double[] thresholds = {onValue, Math.nextDown((double) onValue), Math.nextUp((double) onValue),
                relative * scale, 1e-12, 0.0, -1.0, 2.0 * scale + 1};
        for (double t : thresholds) {
            int first = ResponseQuantisation.firstCodeNotBelow(scale, t);
            int largestCode = scale == 0f ? 0 : ResponseQuantisation.MAX_CODE; // scale 0: only code 0 is valid
            for (int q = 0; q <= largestCode; q++) {
                boolean below = ResponseQuantisation.value(q, step) < t;
                if (below != q < first) {
                    throw new AssertionError("scale " + scale + ", t " + t + ": code " + q + " decodes to "
                            + ResponseQuantisation.value(q, step) + " but firstCodeNotBelow = " + first);
                }
            }
        }
    }

    /** The wire form encodes to the same bytes as the measured sample it came from, and decodes to itself. */
    @Property(tries = 100)
    void quantisedSamplesEncodeLikeTheirMeasuredOrigin(@ForAll long seed,
                                                       @ForAll @IntRange(min = 1, max = 16) int c,
                                                       @ForAll @IntRange(min = 0, max = 32) int n) {
        LayerSnapshot measured = SnapshotFixtures.random(new Random(seed), c, n, seed % 2 == 0);
        LayerSnapshot quantised = SnapshotCodec.quantised(measured);
        assertThat(quantised.sample()).isInstanceOf(QuantisedSample.class);
        byte[] bytes = SnapshotCodec.encode(measured);
        assertThat(SnapshotCodec.encode(quantised)).isEqualTo(bytes);
        assertThat(SnapshotCodec.decode(bytes)).isEqualTo(quantised);
        QuantisedSample q = (QuantisedSample) quantised.sample();
        for (int f = 0; f < c; f++) {
            // the scale is the decoded maximum, bit for bit: the probe takes it as the sample's max
            assertThat(sampleMax(q, f, c)).isEqualTo(n == 0 ? 0f : q.scales()[f]);
        }
    }

    @Property(tries = 2000)
    void relativeTestIsDecidedCorrectlyOutsideTheErrorBand(@ForAll @DoubleRange(min = -9, max = 6) double log10Scale,
                                                           @ForAll @DoubleRange(min = 0, max = 4) double mOverS,
                                                           @ForAll @DoubleRange(min = -3, max = 3) double offsetE5) {
        float scale = (float) Math.pow(10, log10Scale);
        float m = (float) (scale * (1 + mOverS));           // M_f >= S_f: the window max bounds the sample max
        float r = (float) (1e-3 * m + offsetE5 * 1e-5 * scale); // near the relative threshold 1e-3 M_f
        if (!(r > 0f) || r > scale) {
            return;
        }
        float decoded = roundTrip(r, scale);
        double threshold = 1e-3 * m;
        assertThat(Math.abs((double) decoded - r)).isLessThanOrEqualTo(ResponseQuantisation.maxError(scale));
        if (Math.abs(r - threshold) > ResponseQuantisation.maxError(scale)) {
            assertThat(decoded / (double) m < 1e-3).as("r=%s S=%s M=%s r'=%s", r, scale, m, decoded)
                    .isEqualTo(r / (double) m < 1e-3);
        }
    }

    /** Directly at the absolute threshold, with scales from tiny to huge. */
    @Property(tries = 2000)
    void absoluteTestIsExactAroundTheThreshold(@ForAll @IntRange(min = -4, max = 4) int ulps,
                                               @ForAll @DoubleRange(min = -11.99, max = 30) double log10Scale) {
        float scale = (float) Math.pow(10, log10Scale);
        float r = ResponseQuantisation.MIN_ACTIVE_RESPONSE;
        for (int i = 0; i < Math.abs(ulps); i++) {
            r = ulps > 0 ? Math.nextUp(r) : Math.nextDown(r);
        }
        float decoded = roundTrip(r, Math.max(scale, r));
        assertThat(decoded > 1e-12).as("r=%s S=%s r'=%s", r, scale, decoded).isEqualTo(r > 1e-12);
        assertThat(decoded == 0f).isEqualTo(!(r > 1e-12));
    }

    /** One filter, two samples: r and the scale itself (so S_f = scale). */
    static float roundTrip(float r, float scale) {
        ResponseSample sample = new ResponseSample(2, new float[] {r, scale}, new float[] {1f, 1f}, 0);
        LayerSnapshot snapshot = SnapshotFixtures.build(SnapshotFixtures.context(), new LayerInfo("conv", 0, 1, 1, 1), false,
                sample, 2, f -> 1f);
        return SnapshotCodec.decode(SnapshotCodec.encode(snapshot)).sample().responses()[0];
    }

    static float sampleMax(SampledResponses sample, int f, int c) {
        float max = 0f;
        for (int s = 0; s < sample.sampleCount(); s++) {
            max = Math.max(max, sample.response(s, f, c));
        }
        return max;
    }

    /** UTF-8 bytes of the snapshot's three strings. */
    static int utf8Bytes(LayerSnapshot snapshot) {
        return utf8(snapshot.context().runId()) + utf8(snapshot.layer().name()) + utf8(snapshot.context().optimizer());
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
