package io.filterwatch.protocol;

import java.nio.ByteBuffer;

/**
 * Decoder half of {@link SnapshotCodec}. Reads field by field, validating each as soon as it is read,
 * so the first bad field is the one named, and dimensions are checked before anything is sized by them.
 */
final class SnapshotReader {
    private static final Rejector REJECT = Rejector.DECODER;

    private SnapshotReader() {
    }

    static LayerSnapshot decode(ByteBuffer record) {
        WireReader in = new WireReader(record);
        int magic = in.i32("magic");
        if (magic != WireFormat.MAGIC) {
            throw new SnapshotFormatException(String.format(
                    "bad magic 0x%08X, expected 0x%08X (\"FWS1\"): not a FilterWatch layer snapshot", magic, WireFormat.MAGIC));
        }
        int version = in.u16("version");
        if (version != WireFormat.VERSION) {
            throw new SnapshotFormatException("unknown version " + version + ", this decoder reads version " + WireFormat.VERSION);
        }
        int flags = in.u16("flags");
        if ((flags & ~WireFormat.KNOWN_FLAGS) != 0) {
            throw new SnapshotFormatException(String.format("unknown flags 0x%04X (version 1 knows 0x%04X)", flags, WireFormat.KNOWN_FLAGS));
        }
        // Fixed header: all 92 bytes must be there before we interpret any of it.
        in.require("fixed header", WireFormat.FIXED_HEADER_BYTES - in.offset());
        int workerRank = in.i32("workerRank");
        long step = in.i64("step");
        int epoch = in.i32("epoch");
        long wallClockMillis = in.i64("wallClockMillis");
        double learningRate = in.f64("learningRate");
        double l2 = in.f64("l2");
        double weightDecay = in.f64("weightDecay");
        int batchSize = in.i32("batchSize");
        int layerIndex = in.i32("layerIndex");
        int c = in.i32("filterCount C");
        int height = in.i32("outHeight H");
        int width = in.i32("outWidth W");
        long windowStartStep = in.i64("windowStartStep");
        long samplesSeen = in.i64("samplesSeen");
        WireRules.filterCount(REJECT, c); // first: everything below is sized by C
        WireRules.window(REJECT, windowStartStep, samplesSeen);
        String runId = in.utf8("runId", "runId length");
        String layerName = in.utf8("layer name", "layer name length");
        String optimizer = in.utf8("optimizer", "optimizer length");
        TrainingContext context = new TrainingContext(runId, workerRank, step, epoch, wallClockMillis,
                optimizer, learningRate, l2, weightDecay, batchSize);
        LayerInfo layer = new LayerInfo(layerName, layerIndex, c, height, width);
        WireRules.header(REJECT, context, layer);

        int[] paramCount = in.i32s("paramCount", c);
        WireRules.nonNegative(REJECT, "paramCount", paramCount);
        long[] flops = in.i64s("flops", c);
        WireRules.nonNegative(REJECT, "flops", flops);
        FilterParameters params = new FilterParameters(paramCount, flops,
                in.f32s("gamma", c), in.f32s("beta", c), in.f32s("weightNorm", c));
        float[] gradGamma = in.f32s("gradGamma", c);
        float[] gradBeta = in.f32s("gradBeta", c);
        float[] gradWeightNorm = in.f32s("gradWeightNorm", c);
        FilterGradients gradients = (flags & WireFormat.FLAG_SECOND_MOMENTS) != 0
                ? new FilterGradients(gradGamma, gradBeta, gradWeightNorm,
                        in.f32s("rmsGamma", c), in.f32s("rmsBeta", c), in.f32s("rmsWeight", c))
                : new FilterGradients(gradGamma, gradBeta, gradWeightNorm, null, null, null);
        float[] maxResponse = in.f32s("maxResponse", c);
        long[] activeCount = in.i64s("activeCount", c);
        WireRules.activeCounts(REJECT, activeCount, samplesSeen);
        ActivationAggregates activity = new ActivationAggregates(windowStartStep, samplesSeen,
                maxResponse, activeCount, in.f64s("responseSum", c));

        ResponseSample sample = (flags & WireFormat.FLAG_SAMPLE) != 0 ? readSample(in, c) : ResponseSample.empty();
        in.requireEnd();
        return new LayerSnapshot(context, layer, params, gradients, activity, sample);
    }

    private static ResponseSample readSample(WireReader in, int c) {
        int n = in.i32("sampleCount N");
        WireRules.sampleCount(REJECT, n); // flags say a sample is present, so N >= 1
        int nonFiniteCount = in.i32("nonFiniteCount");
        float[] scales = in.f32s("sample scales", c);
        double[] decodeSteps = new double[c];
        int[] smallestActiveIndex = new int[c]; // smallest allowed (code - 1); compared unsigned, so code 0 always passes
        for (int f = 0; f < c; f++) {
            if (!ResponseQuantisation.isValidScale(scales[f])) {
                throw new SnapshotFormatException("sample scale[" + f + "] = " + scales[f]
                        + " is not allowed: must be 0 or finite and > 1e-12");
            }
            decodeSteps[f] = ResponseQuantisation.decodeStep(scales[f]);
            smallestActiveIndex[f] = scales[f] == 0f ? Integer.MAX_VALUE : ResponseQuantisation.smallestActiveCode(scales[f]) - 1;
        }
        int cells = n * c; // <= 4096 * 65536 = 2^28: no overflow
        in.require("sample responses and active fractions", (long) WireFormat.BYTES_PER_SAMPLED_RESPONSE * cells);

        // Hot loop (N x C): direct array access and no data-dependent branches.
        byte[] bytes = in.array();
        int start = in.arrayIndex();
        int pos = start;
        float[] responses = new float[cells];
        int[] maxCodes = new int[c];
        long zeroResponses = 0;
        for (int row = 0; row < cells; row += c) {
            for (int f = 0; f < c; f++) {
                int code = ((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF);
                pos += 2;
                if (Integer.compareUnsigned(code - 1, smallestActiveIndex[f]) < 0) {
                    throw badCode(code, row / c, f, scales[f]);
                }
                responses[row + f] = ResponseQuantisation.value(code, decodeSteps[f]);
                maxCodes[f] = Math.max(maxCodes[f], code);
                zeroResponses += (code - 1) >>> 31; // 1 exactly when code == 0
            }
        }
        for (int f = 0; f < c; f++) {
            if (scales[f] != 0f && maxCodes[f] != ResponseQuantisation.MAX_CODE) {
                throw new SnapshotFormatException("sample scale[" + f + "] = " + scales[f]
                        + " is not the filter's maximum over the sample: no response of filter " + f
                        + " has code " + ResponseQuantisation.MAX_CODE);
            }
        }
        WireRules.nonFiniteCount(REJECT, nonFiniteCount, zeroResponses);

        float[] fractions = new float[cells];
        for (int i = 0; i < cells; i++) {
            fractions[i] = ResponseQuantisation.fraction(bytes[pos++] & 0xFF);
        }
        in.skip(pos - start);
        return new ResponseSample(n, responses, fractions, nonFiniteCount);
    }

    private static SnapshotFormatException badCode(int code, int n, int f, float scale) {
        if (scale == 0f) {
            return new SnapshotFormatException("response code " + code + " at (n=" + n + ", f=" + f
                    + ") is non-zero but the filter's sample scale is 0 (no active response)");
        }
        return new SnapshotFormatException("response code " + code + " at (n=" + n + ", f=" + f
                + ") is below " + ResponseQuantisation.smallestActiveCode(scale)
                + ", the smallest code of an active response at scale " + scale);
    }
}
