package io.filterwatch.trainer.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from the idx files, gzipped (as Debian's {@code dataset-fashion-mnist} installs
 * them in {@value #DEFAULT_PATH}) or not.
 */
public final class FashionMnist {

    public static final String DEFAULT_PATH = "/usr/share/datasets/fashion-mnist";
    private static final String HOW = "Install Debian's package with 'apt-get install dataset-fashion-mnist' "
            + "or put train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (from "
            + "https://github.com/zalandoresearch/fashion-mnist) in that folder and set data-path.";

    private FashionMnist() {
    }

    public static TrainingData load(Path folder, boolean train) {
        String prefix = train ? "train" : "t10k";
        Path images = find(folder, prefix + "-images-idx3-ubyte");
        Path labels = find(folder, prefix + "-labels-idx1-ubyte");
        try {
            byte[] pixels;
            int n;
            try (DataInputStream in = open(images)) {
                expectMagic(in, 2051, images);
                n = in.readInt();
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows != 28 || cols != 28) {
                    throw new IOException(images + ": expected 28x28 images, got " + rows + "x" + cols);
                }
                pixels = new byte[n * 28 * 28];
                in.readFully(pixels);
            }
            int[] y = new int[n];
            try (DataInputStream in = open(labels)) {
                expectMagic(in, 2049, labels);
                int count = in.readInt();
                if (count != n) {
                    throw new IOException(labels + ": " + count + " labels for " + n + " images");
                }
                for (int i = 0; i < n; i++) {
                    y[i] = in.readUnsignedByte();
                }
            }
            // Mean and std of the Fashion-MNIST training pixels.
            return new InMemoryImages("fashion-mnist-" + prefix, pixels, y, 10, 1, 28, 28,
                    new float[] {0.2860f}, new float[] {0.3530f});
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Fashion-MNIST from " + folder + ": " + e.getMessage(), e);
        }
    }

    private static Path find(Path folder, String base) {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = folder.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DatasetMissingException("Fashion-MNIST (" + base + "[.gz])", folder, HOW);
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream raw = Files.newInputStream(p);
        return new DataInputStream(new java.io.BufferedInputStream(
                p.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16));
    }

    private static void expectMagic(DataInputStream in, int magic, Path p) throws IOException {
        int m = in.readInt();
        if (m != magic) {
            throw new IOException(p + ": not an idx file (magic " + m + ", expected " + magic + ")");
        }
    }
}
