package io.filterwatch.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 / CIFAR-100 in the "binary version" layout: CIFAR-10 {@code data_batch_1..5.bin}
 * (1 label byte + 3072 pixel bytes per record), CIFAR-100 {@code train.bin} (coarse label, fine
 * label, 3072 pixel bytes; we train on the fine label).
 */
public final class Cifar {

    private static final int PIXELS = 3 * 32 * 32;
    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

    private Cifar() {
    }

    public static TrainingData load(Path folder, boolean cifar100) {
        List<Path> files = new ArrayList<>();
        if (cifar100) {
            files.add(folder.resolve("train.bin"));
        } else {
            for (int i = 1; i <= 5; i++) {
                files.add(folder.resolve("data_batch_" + i + ".bin"));
            }
        }
        return read(folder, files, cifar100);
    }

    /** The test split: CIFAR-10 {@code test_batch.bin}, CIFAR-100 {@code test.bin} (10,000 records each). */
    public static TrainingData loadTest(Path folder, boolean cifar100) {
        return read(folder, List.of(folder.resolve(cifar100 ? "test.bin" : "test_batch.bin")), cifar100);
    }

    private static TrainingData read(Path folder, List<Path> files, boolean cifar100) {
        String name = cifar100 ? "CIFAR-100" : "CIFAR-10";
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new DatasetMissingException(name + " (" + f.getFileName() + ")", folder,
                        "Download the binary version from https://www.cs.toronto.edu/~kriz/cifar.html ("
                                + (cifar100 ? "cifar-100-binary.tar.gz" : "cifar-10-binary.tar.gz")
                                + "), unpack it and set data-path to the folder holding the .bin files.");
            }
        }
        int labelBytes = cifar100 ? 2 : 1;
        int record = labelBytes + PIXELS;
        try {
            long total = 0;
            for (Path f : files) {
                total += Files.size(f) / record;
            }
            byte[] pixels = new byte[(int) total * PIXELS];
            int[] labels = new int[(int) total];
            int n = 0;
            for (Path f : files) {
                byte[] all = Files.readAllBytes(f);
                for (int off = 0; off + record <= all.length; off += record, n++) {
                    labels[n] = all[off + labelBytes - 1] & 0xff;
                    System.arraycopy(all, off + labelBytes, pixels, n * PIXELS, PIXELS);
                }
            }
            return new InMemoryImages(name.toLowerCase(), pixels, labels, cifar100 ? 100 : 10, 3, 32, 32, MEAN, STD);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from " + folder + ": " + e.getMessage(), e);
        }
    }
}
