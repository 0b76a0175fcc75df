package io.filterwatch.trainer.model;

/** The networks the trainer can build; all are made of Conv-BN-ReLU units. */
public enum ModelKind {
    /** science.md's 5-conv net for 28x28 inputs: 32-32-64-64-128. */
    SMALL_BASIC_NET,
    /** The paper's BasicNet: seven conv layers C1-C7, CIFAR-style. */
    BASIC_NET,
    RESNET18,
    RESNET50
}
