package io.filterwatch.trainer.train;

import ai.djl.training.tracker.Tracker;
import io.filterwatch.trainer.config.RunConfig;
import java.util.function.LongSupplier;

/**
 * The learning rate as a function of the run's global step (not of DJL's per-parameter update
 * count), so a run resumed from a checkpoint continues its schedule where it stopped.
 */
public final class LearningRateSchedule implements Tracker {

    private final RunConfig config;
    private final long totalSteps;
    private final LongSupplier globalStep;

    public LearningRateSchedule(RunConfig config, long totalSteps, LongSupplier globalStep) {
        this.config = config;
        this.totalSteps = totalSteps;
        this.globalStep = globalStep;
    }

    /** The rate in force at global step {@code step} (1-based). */
    public double at(long step) {
        double lr = config.learningRate();
        return switch (config.schedule()) {
            case CONSTANT -> lr;
            case STEP -> lr * Math.pow(config.scheduleFactor(), (step - 1) / config.scheduleStepSize());
            case COSINE -> lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (step - 1) / (double) totalSteps)));
        };
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) at(globalStep.getAsLong());
    }
}
