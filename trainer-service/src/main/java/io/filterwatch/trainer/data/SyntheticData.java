package io.filterwatch.trainer.data;

import ai.djl.ndarray.types.Shape;

/**
 * Deterministic, learnable images: class k is an oriented stripe pattern plus noise that
 * depends only on (seed, index). Nothing is stored, so any size costs no memory.
 */
public final class SyntheticData implements TrainingData {

    private final int size;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final long seed;

    public SyntheticData(int size, int numClasses, int channels, int height, int width, long seed) {
        this.size = size;
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape sampleShape() {
        return new Shape(channels, height, width);
    }

    @Override
    public void fill(int index, float[] target, int offset) {
        int k = label(index);
        double angle = Math.PI * k / numClasses;
        double fx = Math.cos(angle) * 0.8;
        double fy = Math.sin(angle) * 0.8;
        long state = mix(seed ^ (index * 0x9E3779B97F4A7C15L));
        int i = offset;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    state = mix(state + 1);
                    double noise = ((state >>> 40) / (double) (1L << 24)) - 0.5;
                    target[i++] = (float) (Math.sin(fx * x + fy * y + c) + 0.5 * noise);
                }
            }
        }
    }

    @Override
    public int label(int index) {
        return (int) Long.remainderUnsigned(mix(seed + index), numClasses);
    }

    /** SplitMix64 finaliser: a cheap, well-spread hash. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
