package io.filterwatch.trainer.data;

import java.nio.file.Path;

/**
 * The held-out test split of a data set, read from the same folder as its training corpus
 * ({@link Datasets#open}): Fashion-MNIST's {@code t10k-*} files (10,000 images), CIFAR-10's
 * {@code test_batch.bin}, CIFAR-100's {@code test.bin} (10,000 each). The evaluate mode scores a
 * checkpoint on it; training never reads it.
 */
public final class TestSplits {

    private TestSplits() {
    }

    public static TrainingData open(DatasetKind kind, String path) {
        return switch (kind) {
            case FASHION_MNIST -> FashionMnist.load(Path.of(path == null ? FashionMnist.DEFAULT_PATH : path), false);
            case CIFAR10 -> Cifar.loadTest(Datasets.required(kind, path), false);
            case CIFAR100 -> Cifar.loadTest(Datasets.required(kind, path), true);
            case IMAGE_FOLDER, SYNTHETIC -> throw new IllegalArgumentException("dataset " + kind
                    + " has no test split the trainer knows; evaluate runs on fashion_mnist, cifar10 or cifar100");
        };
    }
}
