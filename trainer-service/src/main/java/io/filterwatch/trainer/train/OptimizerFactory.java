package io.filterwatch.trainer.train;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.filterwatch.trainer.config.RunConfig;

/**
 * Maps the run's optimizer and its two regularisers onto DJL's MXNet optimizers. MXNet's update
 * operators (sgd_mom_update, adam_update, adagrad, rmsprop_update) add {@code wd * w} to the
 * gradient inside the update, i.e. coupled L2; the gradient arrays themselves stay dLoss/dw
 * (verified by {@code GradientCaptureTest}). AdamW's {@code wd} is decoupled. Combinations DJL
 * cannot express are rejected by {@link RunConfig#validate()}.
 */
public final class OptimizerFactory {

    private OptimizerFactory() {
    }

    public static Optimizer create(RunConfig config, Tracker learningRate) {
        float l2 = (float) (double) config.l2();
        return switch (config.optimizer()) {
            case SGD -> Optimizer.sgd()
                    .setLearningRateTracker(learningRate)
                    .optMomentum((float) (double) config.momentum())
                    .optWeightDecays(l2)
                    .build();
            case ADAM -> Optimizer.adam()
                    .optLearningRateTracker(learningRate)
                    .optWeightDecays(l2)
                    .build();
            case ADAMW -> Optimizer.adamW()
                    .optLearningRateTracker(learningRate)
                    // AdamW's builder defaults to 0.01: always set it, 0 included.
                    .optWeightDecays((float) (double) config.weightDecay())
                    .build();
            // DJL's Adagrad only works with row-sparse gradients on MXNet: see DenseAdagrad.
            case ADAGRAD -> new DenseAdagrad(learningRate, l2, 1e-8f);
            case RMSPROP -> Optimizer.rmsprop()
                    .optLearningRateTracker(learningRate)
                    .optWeightDecays(l2)
                    .build();
        };
    }
}
