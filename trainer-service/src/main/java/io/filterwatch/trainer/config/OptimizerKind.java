package io.filterwatch.trainer.config;

public enum OptimizerKind {
    SGD(false),
    ADAM(true),
    ADAMW(true),
    ADAGRAD(true),
    RMSPROP(true);

    private final boolean adaptive;

    OptimizerKind(boolean adaptive) {
        this.adaptive = adaptive;
    }

    /** Adaptive optimizers divide the step by a second-moment RMS; snapshots then carry it. */
    public boolean adaptive() {
        return adaptive;
    }

    public String wireName() {
        return name().toLowerCase();
    }
}
