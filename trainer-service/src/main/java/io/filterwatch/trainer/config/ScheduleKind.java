package io.filterwatch.trainer.config;

public enum ScheduleKind {
    CONSTANT,
    /** Multiply by schedule-factor every schedule-step-size steps. */
    STEP,
    /** Cosine from the learning rate to 0 over the run's total steps. */
    COSINE
}
