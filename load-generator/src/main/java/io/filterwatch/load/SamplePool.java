package io.filterwatch.load;

import java.util.List;
import java.util.SplittableRandom;

import io.filterwatch.protocol.QuantisedSample;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.RunTopology;

/**
 * Response samples in wire form, made once per layer and shared by every run and worker: {@code variants}
 * samples of N responses per filter in which every sampled response fires (ReLU outputs above 1e-12 with
 * a spread of sizes), quantised and sorted by the codec's own {@link ResponseSample#quantised}. A worker's
 * snapshot takes one variant and silences the smallest responses of each filter down to that filter's
 * current activity ({@link #withActivity}): the codes stay sorted and valid, the share of zero codes is the
 * share of samples the filter ignores (its selectivity), and a dead filter's column is all zeros with scale 0.
 * Drawing and quantising 26,560 x 128 responses per worker and round would cost the generator far more
 * than the encode; copying a pooled column costs a memory copy.
 */
final class SamplePool {

    private final QuantisedSample[][] byLayer;
    private final int sampleSize;

    SamplePool(RunTopology topology, int sampleSize, int variants, long seed) {
        this.sampleSize = sampleSize;
        List<RunTopology.Layer> layers = topology.layers();
        byLayer = new QuantisedSample[layers.size()][variants];
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < layers.size(); l++) {
            int c = layers.get(l).filters();
            for (int v = 0; v < variants; v++) {
                float[] responses = new float[sampleSize * c];
                float[] fractions = new float[sampleSize * c];
                for (int f = 0; f < c; f++) {
                    double scale = 0.5 + 4 * random.nextDouble();
                    for (int n = 0; n < sampleSize; n++) {
                        double u = random.nextDouble();
                        responses[n * c + f] = (float) (scale * (0.001 + u * u));
                        fractions[n * c + f] = (float) (0.02 + 0.5 * random.nextDouble());
                    }
                }
                byLayer[l][v] = ResponseSample.sanitised(sampleSize, responses, fractions).quantised(c);
            }
        }
    }

    int variants() {
        return byLayer[0].length;
    }

    /** Reusable arrays for one layer's sample, so a publishing thread allocates nothing per snapshot. */
    static final class Scratch {
        final float[] scales;
        final char[] codes;
        final float[] fractionSums;

        Scratch(int filters, int sampleSize) {
            scales = new float[filters];
            codes = new char[filters * sampleSize];
            fractionSums = new float[filters];
        }
    }

    /**
     * Variant {@code variant} of layer {@code layer} with filter f firing on round(activity[f] * N) of the N
     * samples (its largest responses kept) and its largest sampled response {@code scale[f]} (the codes are
     * relative to it, so any positive scale keeps them valid), written into {@code scratch}.
     */
    QuantisedSample withActivity(int layer, int variant, double[] activity, float[] scale, Scratch scratch) {
        QuantisedSample base = byLayer[layer][variant];
        int n = sampleSize;
        int c = base.filterCount();
        System.arraycopy(base.codes(), 0, scratch.codes, 0, c * n);
        float[] baseSums = base.activeFractionSums();
        for (int f = 0; f < c; f++) {
            int firing = (int) Math.round(Math.min(1.0, Math.max(0.0, activity[f])) * n);
            int from = f * n;
            java.util.Arrays.fill(scratch.codes, from, from + n - firing, (char) 0);
            scratch.scales[f] = firing == 0 ? 0f : scale[f];
            scratch.fractionSums[f] = (float) (baseSums[f] * firing / n);
        }
        return new QuantisedSample(n, scratch.scales, scratch.codes, scratch.fractionSums, 0);
    }
}
