package io.filterwatch.trainer.data;

import ai.djl.ndarray.types.Shape;

/** 8-bit images in memory (N x C x H x W, channel-major) normalised per channel on the way out. */
final class InMemoryImages implements TrainingData {

    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;

    InMemoryImages(String name, byte[] pixels, int[] labels, int numClasses, int channels, int height, int width,
                   float[] mean, float[] std) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mean = mean;
        this.std = std;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
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
        int plane = height * width;
        int base = index * channels * plane;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float s = std[c];
            int from = base + c * plane;
            int to = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                target[to + i] = ((pixels[from + i] & 0xff) / 255f - m) / s;
            }
        }
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
