package io.filterwatch.protocol;

import java.util.Random;

/** Builds snapshots for the tests: a plain deterministic one, and random ones that probe edge values. */
final class SnapshotFixtures {
    private SnapshotFixtures() {
    }

    static TrainingContext context() {
        return new TrainingContext("run-42", 0, 1200, 3, 1_764_000_000_000L, "adam", 5e-3, 5e-4, 0.0, 64);
    }

    /** A small, readable snapshot: C filters, N samples, responses f * (n + 1) / 10 with filter 0 dead. */
    static LayerSnapshot simple(int c, int n, boolean secondMoments) {
        float[] responses = new float[n * c];
        float[] fractions = new float[n * c];
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < c; f++) {
                responses[s * c + f] = f * (s + 1) / 10f;
                fractions[s * c + f] = f == 0 ? 0f : 0.5f;
            }
        }
        return build(context(), new LayerInfo("conv3", 2, c, 14, 14), secondMoments,
                new ResponseSample(n, responses, fractions, 0), 1000, i -> i * 0.25f);
    }

    /** Random snapshot whose measured values include NaN, Inf, -0, subnormals and threshold neighbours. */
    static LayerSnapshot random(Random rnd, int c, int n, boolean secondMoments) {
        TrainingContext context = new TrainingContext(randomString(rnd, 1), rnd.nextInt(8), rnd.nextInt(1_000_000),
                rnd.nextInt(100), 1_700_000_000_000L + rnd.nextInt(1_000_000), randomString(rnd, 0),
                rnd.nextDouble() * 0.1, rnd.nextBoolean() ? 0.0 : rnd.nextDouble() * 1e-3,
                rnd.nextBoolean() ? 0.0 : rnd.nextDouble() * 1e-2, 1 + rnd.nextInt(512));
        LayerInfo layer = new LayerInfo(randomString(rnd, 1), rnd.nextInt(50), c, 1 + rnd.nextInt(224), 1 + rnd.nextInt(224));
        float[] responses = new float[n * c];
        float[] fractions = new float[n * c];
        int nonFinite = 0;
        for (int i = 0; i < n * c; i++) {
            responses[i] = randomResponse(rnd);
            fractions[i] = rnd.nextInt(4) == 0 ? 0f : rnd.nextFloat();
            if (responses[i] == 0f && rnd.nextInt(4) == 0) {
                nonFinite++;
            }
        }
        long samplesSeen = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(100_000);
        return build(context, layer, secondMoments, new ResponseSample(n, responses, fractions, nonFinite),
                samplesSeen, i -> measured(rnd));
    }

    interface FloatSource {
        float next(int filter);
    }

    static LayerSnapshot build(TrainingContext context, LayerInfo layer, boolean secondMoments, SampledResponses sample,
                               long samplesSeen, FloatSource values) {
        int c = layer.filterCount();
        int[] paramCount = new int[c];
        long[] flops = new long[c];
        long[] activeCount = new long[c];
        double[] responseSum = new double[c];
        for (int f = 0; f < c; f++) {
            paramCount[f] = 9 * 64 + 2 + f;
            flops[f] = 9L * 64 * layer.outHeight() * layer.outWidth() + f;
            activeCount[f] = samplesSeen == 0 ? 0 : (f * 7919L) % (samplesSeen + 1);
            responseSum[f] = values.next(f) * 1e3;
        }
        return new LayerSnapshot(context, layer,
                new FilterParameters(paramCount, flops, floats(c, values), floats(c, values), floats(c, values)),
                new FilterGradients(floats(c, values), floats(c, values), floats(c, values),
                        secondMoments ? floats(c, values) : null,
                        secondMoments ? floats(c, values) : null,
                        secondMoments ? floats(c, values) : null),
                new ActivationAggregates(context.step() - 99 < 0 ? 0 : context.step() - 99, samplesSeen,
                        floats(c, values), activeCount, responseSum),
                sample);
    }

    private static float[] floats(int c, FloatSource values) {
        float[] a = new float[c];
        for (int f = 0; f < c; f++) {
            a[f] = values.next(f);
        }
        return a;
    }

    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
            Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-3f, -1e-3f, 1e-12f};

    static float measured(Random rnd) {
        if (rnd.nextInt(8) == 0) {
            return SPECIAL[rnd.nextInt(SPECIAL.length)];
        }
        return (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(10, -8 + 10 * rnd.nextDouble()));
    }

    /** Mix of dead (0), sub-threshold, threshold neighbours and values over 20 orders of magnitude. */
    static float randomResponse(Random rnd) {
        switch (rnd.nextInt(10)) {
            case 0:
            case 1:
                return 0f;
            case 2:
                return (float) (rnd.nextDouble() * 1e-12);
            case 3:
                return ResponseQuantisation.MIN_ACTIVE_RESPONSE;
            case 4:
                return 1e-12f; // just below 1e-12 as a double
            default:
                return (float) Math.pow(10, -14 + 16 * rnd.nextDouble());
        }
    }

    /** 0..maxChars characters including multi-byte ones; at least minChars (non-empty for keys). */
    static String randomString(Random rnd, int minChars) {
        String alphabet = "abcXYZ019-_./é漢🙂";
        int length = minChars + rnd.nextInt(20);
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < length) {
            int start = rnd.nextInt(alphabet.codePointCount(0, alphabet.length()));
            sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, start)));
        }
        return sb.toString();
    }
}
