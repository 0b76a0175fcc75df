package io.filterwatch.trainer.data;

public enum DatasetKind {
    FASHION_MNIST,
    CIFAR10,
    CIFAR100,
    /** ImageNet-style tree: one folder per class. */
    IMAGE_FOLDER,
    /** Deterministic class-dependent patterns, for tests and benchmarks. */
    SYNTHETIC
}
