package io.filterwatch.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Encoder half of {@link SnapshotCodec}. Validates first (same rules as the decoder), then writes into
 * one exactly-sized array: no intermediate buffers besides the per-filter sample scales.
 */
final class SnapshotWriter {
    private static final Rejector REJECT = Rejector.ENCODER;

    private SnapshotWriter() {
    }

    static byte[] encode(LayerSnapshot snapshot) {
        TrainingContext context = snapshot.context();
        LayerInfo layer = snapshot.layer();
        ActivationAggregates activity = snapshot.activity();
        int c = layer.filterCount();

        WireRules.header(REJECT, context, layer);
        WireRules.window(REJECT, activity.windowStartStep(), activity.samplesSeen());
        byte[] runId = utf8("runId", context.runId());
        byte[] layerName = utf8("layer name", layer.name());
        byte[] optimizer = utf8("optimizer", context.optimizer());
        WireRules.nonNegative(REJECT, "paramCount", snapshot.params().paramCount());
        WireRules.nonNegative(REJECT, "flops", snapshot.params().flops());
        WireRules.activeCounts(REJECT, activity.activeCount(), activity.samplesSeen());
        QuantisedSample sample = wireSample(snapshot.sample(), c);

        boolean secondMoments = snapshot.gradients().hasSecondMoments();
        int n = sample.sampleCount();
        int size = SnapshotCodec.encodedSize(c, n, secondMoments, runId.length + layerName.length + optimizer.length);
        ByteBuffer out = ByteBuffer.allocate(size);

        out.putInt(WireFormat.MAGIC)
                .putShort((short) WireFormat.VERSION)
                .putShort((short) ((secondMoments ? WireFormat.FLAG_SECOND_MOMENTS : 0) | (n > 0 ? WireFormat.FLAG_SAMPLE : 0)))
                .putInt(context.workerRank())
                .putLong(context.step())
                .putInt(context.epoch())
                .putLong(context.wallClockMillis())
                .putDouble(context.learningRate())
                .putDouble(context.l2())
                .putDouble(context.weightDecay())
                .putInt(context.batchSize())
                .putInt(layer.index())
                .putInt(c)
                .putInt(layer.outHeight())
                .putInt(layer.outWidth())
                .putLong(activity.windowStartStep())
                .putLong(activity.samplesSeen());
        putString(out, runId);
        putString(out, layerName);
        putString(out, optimizer);

        FilterParameters params = snapshot.params();
        FilterGradients gradients = snapshot.gradients();
        out.asIntBuffer().put(params.paramCount());
        out.position(out.position() + 4 * c);
        out.asLongBuffer().put(params.flops());
        out.position(out.position() + 8 * c);
        putFloats(out, params.gamma());
        putFloats(out, params.beta());
        putFloats(out, params.weightNorm());
        putFloats(out, gradients.gradGamma());
        putFloats(out, gradients.gradBeta());
        putFloats(out, gradients.gradWeightNorm());
        if (secondMoments) {
            putFloats(out, gradients.rmsGamma());
            putFloats(out, gradients.rmsBeta());
            putFloats(out, gradients.rmsWeight());
        }
        putFloats(out, activity.maxResponse());
        out.asLongBuffer().put(activity.activeCount());
        out.position(out.position() + 8 * c);
        out.asDoubleBuffer().put(activity.responseSum());
        out.position(out.position() + 8 * c);

        if (n > 0) {
            putSample(out, sample);
        }
        assert !out.hasRemaining() : "encodedSize disagrees with the writer";
        return out.array();
    }

    private static void putSample(ByteBuffer out, QuantisedSample sample) {
        out.putInt(sample.sampleCount()).putInt(sample.nonFiniteCount());
        putFloats(out, sample.scales());
        putFloats(out, sample.activeFractionSums());
        out.asCharBuffer().put(sample.codes()); // big-endian u16, in bulk
        out.position(out.position() + 2 * sample.codes().length);
    }

    /** Validates the sample, measured or already quantised, and returns its wire form. */
    private static QuantisedSample wireSample(SampledResponses sample, int c) {
        if (sample instanceof ResponseSample measured) {
            validateSample(measured, c);
            return measured.quantised(c);
        }
        QuantisedSample quantised = (QuantisedSample) sample; // the interface is sealed
        if (quantised.sampleCount() > 0) {
            WireRules.sampleCount(REJECT, quantised.sampleCount());
            WireRules.activeFractionSums(REJECT, quantised.activeFractionSums(), quantised.sampleCount());
            ResponseQuantisation.checkCodes(REJECT, quantised);
        } else {
            WireRules.nonFiniteCount(REJECT, quantised.nonFiniteCount(), 0);
        }
        return quantised;
    }

    private static void validateSample(ResponseSample sample, int c) {
        int n = sample.sampleCount();
        long zeroResponses = 0;
        if (n > 0) {
            WireRules.sampleCount(REJECT, n);
            float[] responses = sample.responses();
            float[] fractions = sample.activeFraction();
            for (int i = 0; i < n * c; i++) {
                float r = responses[i];
                if (!(Float.isFinite(r) && r >= 0f)) {
                    throw REJECT.reject("response r(n=" + i / c + ", f=" + i % c + ") = " + r
                            + " is not allowed: must be finite and >= 0 (see ResponseSample.sanitised)");
                }
                zeroResponses += ResponseQuantisation.isActive(r) ? 0 : 1; // branch-free in the N x C loop
                float a = fractions[i];
                if (!(a >= 0f && a <= 1f)) {
                    throw REJECT.reject("activeFraction(n=" + i / c + ", f=" + i % c + ") = " + a
                            + " is not allowed: must be in [0, 1]");
                }
            }
        }
        WireRules.nonFiniteCount(REJECT, sample.nonFiniteCount(), zeroResponses);
    }

    private static byte[] utf8(String field, String value) {
        if (isAscii(value)) { // the usual case; skips the encoder's allocations
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            WireRules.stringLength(REJECT, field, bytes.length);
            return bytes;
        }
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            WireRules.stringLength(REJECT, field, bytes.length);
            return bytes;
        } catch (CharacterCodingException e) {
            throw REJECT.reject(field + " is not valid Unicode (unpaired surrogate): " + e.getMessage());
        }
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putShort((short) utf8.length).put(utf8);
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }
}
