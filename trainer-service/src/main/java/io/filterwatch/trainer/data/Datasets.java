package io.filterwatch.trainer.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/** Opens the configured training corpus from local disk. */
public final class Datasets {

    private Datasets() {
    }

    public static TrainingData open(DatasetKind kind, String path, int imageSize, int syntheticSamples,
                                    int syntheticClasses, int syntheticChannels, long seed) {
        return switch (kind) {
            case FASHION_MNIST -> FashionMnist.load(Path.of(path == null ? FashionMnist.DEFAULT_PATH : path), true);
            case CIFAR10 -> Cifar.load(required(kind, path), false);
            case CIFAR100 -> Cifar.load(required(kind, path), true);
            case IMAGE_FOLDER -> ImageFolderData.load(required(kind, path), imageSize);
            case SYNTHETIC -> new SyntheticData(syntheticSamples, syntheticClasses, syntheticChannels,
                    imageSize, imageSize, seed);
        };
    }

    /**
     * The sample shape (channels, height, width) a data set of this kind gives, without reading
     * it: what {@link #open} would report ({@code describe} mode sizes a run with it).
     */
    public static Shape declaredSampleShape(DatasetKind kind, int imageSize, int syntheticChannels) {
        return switch (kind) {
            case FASHION_MNIST -> new Shape(1, 28, 28);
            case CIFAR10, CIFAR100 -> new Shape(3, 32, 32);
            case IMAGE_FOLDER -> new Shape(3, imageSize, imageSize);
            case SYNTHETIC -> new Shape(syntheticChannels, imageSize, imageSize);
        };
    }

    /** Classes without reading the data; an image folder is taken to be ImageNet's 1,000. */
    public static int declaredClasses(DatasetKind kind, int syntheticClasses) {
        return switch (kind) {
            case FASHION_MNIST, CIFAR10 -> 10;
            case CIFAR100 -> 100;
            case IMAGE_FOLDER -> 1000;
            case SYNTHETIC -> syntheticClasses;
        };
    }

    static Path required(DatasetKind kind, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("dataset " + kind + " needs data-path (a local folder)");
        }
        return Path.of(path);
    }
}
