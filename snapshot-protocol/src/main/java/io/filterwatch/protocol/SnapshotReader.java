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
        if (version < WireFormat.VERSION_1 || version > WireFormat.VERSION) {
            throw new SnapshotFormatException("unknown version " + version + ", this decoder reads versions "
                    + WireFormat.VERSION_1 + " to " + WireFormat.VERSION);
        }
        int flags = in.u16("flags");
        if ((flags & ~WireFormat.KNOWN_FLAGS) != 0) {
            // the record's own version: versions 1 to 3 know the same two flags
            throw new SnapshotFormatException(String.format("unknown flags 0x%04X (version %d knows 0x%04X)", flags,
                    version, WireFormat.KNOWN_FLAGS));
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

        QuantisedSample sample = (flags & WireFormat.FLAG_SAMPLE) == 0 ? QuantisedSample.empty(c)
                : version == WireFormat.VERSION_1 ? readVersion1Sample(in, c) : readSample(in, c, version);
        in.requireEnd();
        return new LayerSnapshot(context, layer, params, gradients, activity, sample);
    }

    /**
     * The sample stays in wire form: codes are validated, not decoded (see {@link QuantisedSample}).
     * Version 2's row-major codes are sorted into columns first.
     */
    private static QuantisedSample readSample(WireReader in, int c, int version) {
        int n = in.i32("sampleCount N");
        WireRules.sampleCount(REJECT, n); // flags say a sample is present, so N >= 1
        int nonFiniteCount = in.i32("nonFiniteCount");
        float[] scales = readScales(in, c);
        float[] activeFractionSums = in.f32s("active-fraction sums", c);
        WireRules.activeFractionSums(REJECT, activeFractionSums, n);
        int cells = n * c; // <= 4096 * 65536 = 2^28: no overflow
        char[] codes = in.u16s("sample responses", cells);
        if (version == WireFormat.VERSION_2) {
            codes = ResponseQuantisation.columnsFromRows(codes, n, c);
        }
        QuantisedSample sample = new QuantisedSample(n, scales, codes, activeFractionSums, nonFiniteCount);
        ResponseQuantisation.checkCodes(REJECT, sample);
        return sample;
    }

    /**
     * A version-1 sample: the same scales and codes, then u8 active-fraction codes (a = k / 255),
     * which are summed per filter as the encoder sums measured fractions. Read as version 3 would
     * have carried it, so a re-encode writes version 3.
     */
    private static QuantisedSample readVersion1Sample(WireReader in, int c) {
        int n = in.i32("sampleCount N");
        WireRules.sampleCount(REJECT, n);
        int nonFiniteCount = in.i32("nonFiniteCount");
        float[] scales = readScales(in, c);
        int cells = n * c;
        in.require("sample responses and active fractions", 3L * cells);
        char[] codes = in.u16s("sample responses", cells);
        byte[] fractionCodes = in.u8s("active fractions", cells);
        float[] fractions = new float[cells];
        for (int i = 0; i < cells; i++) {
            fractions[i] = (float) ((fractionCodes[i] & 0xFF) / 255.0);
        }
        QuantisedSample sample = new QuantisedSample(n, scales, ResponseQuantisation.columnsFromRows(codes, n, c),
                ResponseQuantisation.activeFractionSums(fractions, n, c), nonFiniteCount);
        ResponseQuantisation.checkCodes(REJECT, sample);
        return sample;
    }

    private static float[] readScales(WireReader in, int c) {
        float[] scales = in.f32s("sample scales", c);
        for (int f = 0; f < c; f++) {
            if (!ResponseQuantisation.isValidScale(scales[f])) {
                throw new SnapshotFormatException("sample scale[" + f + "] = " + scales[f]
                        + " is not allowed: must be 0 or finite and > 1e-12");
            }
        }
        return scales;
    }
}
