package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** The encoder refuses what the decoder would reject, with IllegalArgumentException, and says why. */
class SnapshotEncoderRejectsTest {
    private static final LayerInfo LAYER = new LayerInfo("conv1", 0, 2, 4, 4);

    @Test
    void nonFiniteOrNegativeSampledResponses() {
        rejects(sample(new float[] {1f, Float.NaN}, 0))
                .hasMessage("response r(n=0, f=1) = NaN is not allowed: must be finite and >= 0 (see ResponseSample.sanitised)");
        rejects(sample(new float[] {Float.POSITIVE_INFINITY, 1f}, 0)).hasMessageStartingWith("response r(n=0, f=0) = Infinity");
        rejects(sample(new float[] {-1e-3f, 1f}, 0)).hasMessageStartingWith("response r(n=0, f=0) = -0.001");
    }

    @Test
    void sanitisedReplacesNonFiniteResponsesByZeroAndCountsThem() {
        float[] responses = {Float.NaN, 2f, Float.NEGATIVE_INFINITY, 1f}; // 1 is half of 2: exact after quantisation
        ResponseSample sample = ResponseSample.sanitised(2, responses, new float[] {0f, 1f, 0f, 1f});
        assertThat(sample.nonFiniteCount()).isEqualTo(2);
        assertThat(sample.responses()).containsExactly(0f, 2f, 0f, 1f).isSameAs(responses);
        LayerSnapshot decoded = SnapshotCodec.decode(SnapshotCodec.encode(snapshot(context(), sample)));
        assertThat(decoded.sample().nonFiniteCount()).isEqualTo(2);
        // decoded rows are ranks: filter 1's responses ascend, 1 then 2
        assertThat(decoded.sample().responses()).containsExactly(0f, 1f, 0f, 2f);
    }

    @Test
    void nonFiniteCountMustBeAmongTheZeroResponses() {
        rejects(sample(new float[] {1f, 0f}, 2)).hasMessage("nonFiniteCount = 2 is out of range 0..(number of zero responses = 1)");
        rejects(snapshot(context(), new ResponseSample(0, new float[0], new float[0], 1)))
                .hasMessage("nonFiniteCount = 1 is out of range 0..(number of zero responses = 0)");
    }

    @Test
    void activeFractionOutsideZeroToOne() {
        rejects(snapshot(context(), new ResponseSample(1, new float[] {1f, 1f}, new float[] {1.5f, 0f}, 0)))
                .hasMessage("activeFraction(n=0, f=0) = 1.5 is not allowed: must be in [0, 1]");
        rejects(snapshot(context(), new ResponseSample(1, new float[] {1f, 1f}, new float[] {0f, Float.NaN}, 0)))
                .hasMessage("activeFraction(n=0, f=1) = NaN is not allowed: must be in [0, 1]");
    }

    @Test
    void configurationMustBeFiniteAndNonNegative() {
        rejects(snapshot(new TrainingContext("r", 0, 1, 0, 0, "sgd", Double.NaN, 0, 0, 8), ResponseSample.empty()))
                .hasMessage("learningRate = NaN is not allowed: must be finite and >= 0");
        rejects(snapshot(new TrainingContext("r", 0, 1, 0, 0, "sgd", 0.1, -1e-4, 0, 8), ResponseSample.empty()))
                .hasMessage("l2 = -1.0E-4 is not allowed: must be finite and >= 0");
        rejects(snapshot(new TrainingContext("r", 0, 1, 0, 0, "sgd", 0.1, 0, Double.POSITIVE_INFINITY, 8), ResponseSample.empty()))
                .hasMessage("weightDecay = Infinity is not allowed: must be finite and >= 0");
    }

    @Test
    void stringsMustBeBoundedValidAndKeysNonEmpty() {
        rejects(snapshot(new TrainingContext("", 0, 1, 0, 0, "sgd", 0.1, 0, 0, 8), ResponseSample.empty()))
                .hasMessage("runId length in UTF-8 bytes = 0 is out of range 1..256");
        rejects(snapshot(new TrainingContext("r".repeat(257), 0, 1, 0, 0, "sgd", 0.1, 0, 0, 8), ResponseSample.empty()))
                .hasMessage("runId length in UTF-8 bytes = 257 is out of range 1..256");
        rejects(snapshot(new TrainingContext("é".repeat(129), 0, 1, 0, 0, "sgd", 0.1, 0, 0, 8), ResponseSample.empty()))
                .hasMessage("runId length in UTF-8 bytes = 258 is out of range 1..256");
        rejects(snapshot(new TrainingContext("r\uD800", 0, 1, 0, 0, "sgd", 0.1, 0, 0, 8), ResponseSample.empty()))
                .hasMessageStartingWith("runId is not valid Unicode (unpaired surrogate)");
    }

    @Test
    void dimensionsAndCountsOutOfRange() {
        rejects(SnapshotFixtures.simple(1, 4097, false)).hasMessage("sampleCount N = 4097 is out of range 1..4096");
        rejects(SnapshotFixtures.build(context(), new LayerInfo("c", 0, 2, 0, 4), false, ResponseSample.empty(), 1, f -> 1f))
                .hasMessage("outHeight H = 0 is out of range 1..65536");
        LayerSnapshot s = SnapshotFixtures.simple(2, 0, false);
        s.activity().activeCount()[1] = 5000;
        rejects(s).hasMessage("activeCount[1] = 5000 is out of range 0..samplesSeen (1000)");
        s = SnapshotFixtures.simple(2, 0, false);
        s.params().paramCount()[0] = -1;
        rejects(s).hasMessage("paramCount[0] = -1 is negative");
    }

    /** A sample already in wire form is held to the decoder's code rules. */
    @Test
    void quantisedSamplesThatNoEncoderProduces() {
        float[] scales = {2f, 0f};
        // codes column-major, N = 2 per filter
        rejects(quantised(new float[] {1e-10f, 0f}, new char[] {1, ResponseQuantisation.MAX_CODE, 0, 0}, 0))
                .hasMessage("response code 1 of filter 0 is below 656, the smallest code of an active response at scale 1.0E-10");
        rejects(quantised(scales, new char[] {0, ResponseQuantisation.MAX_CODE, 0, 7}, 0))
                .hasMessage("response code 7 of filter 1 is non-zero but the filter's sample scale is 0 (no active response)");
        rejects(quantised(scales, new char[] {3, 40_000, 0, 0}, 0))
                .hasMessageContaining("is not the filter's maximum over the sample");
        rejects(quantised(scales, new char[] {ResponseQuantisation.MAX_CODE, 3, 0, 0}, 0))
                .hasMessage("response code 3 of filter 0 at rank 1 is below the code before it: each filter's codes must be in non-decreasing order");
        rejects(quantised(scales, new char[] {3, ResponseQuantisation.MAX_CODE, 0, 0}, 3))
                .hasMessageStartingWith("nonFiniteCount = 3");
        rejects(quantised(new float[] {Float.NaN, 0f}, new char[4], 0))
                .hasMessageStartingWith("sample scale[0] = NaN is not allowed");
        LayerSnapshot valid = quantised(scales, new char[] {3, ResponseQuantisation.MAX_CODE, 0, 0}, 2);
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(valid))).isEqualTo(valid);
    }

    private static LayerSnapshot quantised(float[] scales, char[] codes, int nonFinite) {
        QuantisedSample sample = new QuantisedSample(2, scales, codes, new float[scales.length], nonFinite);
        return SnapshotFixtures.build(context(), LAYER, false, sample, 10, f -> 1f);
    }

    private static TrainingContext context() {
        return SnapshotFixtures.context();
    }

    private static LayerSnapshot sample(float[] responses, int nonFinite) {
        return snapshot(context(), new ResponseSample(1, responses, new float[responses.length], nonFinite));
    }

    private static LayerSnapshot snapshot(TrainingContext context, ResponseSample sample) {
        return SnapshotFixtures.build(context, LAYER, false, sample, 10, f -> 1f);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(LayerSnapshot snapshot) {
        return assertThatThrownBy(() -> SnapshotCodec.encode(snapshot)).isExactlyInstanceOf(IllegalArgumentException.class);
    }
}
