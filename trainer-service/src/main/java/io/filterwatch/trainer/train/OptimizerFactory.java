package io.filterwatch.trainer.train;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.RunConfig;

/**
 * Maps the run's optimizer and its two regularisers onto MXNet's update operators, through DJL's
 * optimizers or ours where we need their state ({@link CheckpointedAdam}) or DJL's fails
 * ({@link DenseAdagrad}). The operators (sgd_mom_update, adam_update, rmsprop_update; AdaGrad's
 * NDArray arithmetic) add {@code wd * w} to the gradient inside the update, i.e. coupled L2; the
 * gradient arrays themselves stay dLoss/dw (verified by {@code CaptureMatchesHandComputationTest}).
 * AdamW's {@code wd} is decoupled. Combinations DJL cannot express are rejected by
 * {@link RunConfig#validate()}.
 *
 * <p>On PyTorch DJL's update calls are its own C++ (ai_djl_pytorch_jni_PyTorchLibrary_optim.cc in
 * DJL 0.36) with the same meaning: SGD and Adam add {@code wd * w} to a copy of the gradient
 * (coupled L2); AdamW first shrinks {@code w -= lr * wd * w} with the uncorrected lr, then takes
 * the Adam step on the loss gradient, which is MXNet's {@code _adamw_update} (the two terms use
 * the same old w, so the order does not matter). Both zero the parameter's gradient afterwards,
 * since PyTorch's backward accumulates. RMSProp is not implemented by DJL's PyTorch engine:
 * {@link DenseAdagrad#rmsProp}. {@code OptimizerSemanticsTest} pins all of this on both engines.
 */
public final class OptimizerFactory {

    private OptimizerFactory() {
    }

    public static Optimizer create(RunConfig config, Tracker learningRate, EngineKind engine) {
        float l2 = (float) (double) config.l2();
        return switch (config.optimizer()) {
            case SGD -> Optimizer.sgd()
                    .setLearningRateTracker(learningRate)
                    .optMomentum((float) (double) config.momentum())
                    .optWeightDecays(l2)
                    .build();
            // DJL's Adam and AdamW, with their state where checkpoints can reach it.
            case ADAM -> new CheckpointedAdam(learningRate, l2, false);
            case ADAMW -> new CheckpointedAdam(learningRate, (float) (double) config.weightDecay(), true);
            // DJL's Adagrad only works with row-sparse gradients on MXNet: see DenseAdagrad.
            case ADAGRAD -> new DenseAdagrad(learningRate, l2, 1e-8f);
            // DJL's PyTorch engine has no rmspropUpdate: see DenseAdagrad.rmsProp.
            case RMSPROP -> engine == EngineKind.PYTORCH
                    ? DenseAdagrad.rmsProp(learningRate, l2)
                    : Optimizer.rmsprop().optLearningRateTracker(learningRate).optWeightDecays(l2).build();
        };
    }
}
