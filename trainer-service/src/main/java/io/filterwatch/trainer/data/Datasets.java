package io.filterwatch.trainer.data;

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

    private static Path required(DatasetKind kind, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("dataset " + kind + " needs data-path (a local folder)");
        }
        return Path.of(path);
    }
}
