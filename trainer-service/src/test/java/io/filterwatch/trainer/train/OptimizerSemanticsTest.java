package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.model.EngineOps;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One update of every optimizer the trainer builds, and of DJL's own Adam and AdamW, on each
 * engine, against the formula by hand: what "l2" (coupled: added to the gradient, then normalised)
 * and "weightDecay" (decoupled: w shrinks by lr * wd * w) mean must not depend on the engine. DJL
 * implements the updates twice (MXNet's operators; its own C++ for PyTorch), so this pins both.
 * Also pins what each engine leaves in the parameter's gradient: PyTorch's backward accumulates,
 * so every update must zero it there.
 */
class OptimizerSemanticsTest {

    private static final float LR = 0.1f;
    private static final float DECAY = 0.5f;
    private static final float[] W = {1f, -2f, 0.5f, 3f};
    /** Note the last: the loss gradient opposes the decay, so L2 and AdamW part ways in sign. */
    private static final float[] G = {0.2f, 0.3f, -0.4f, -1.4f};
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** Adam's first step on gradient {@code g}: m / (sqrt(v) + eps) with DJL's bias-corrected lr. */
    private static double adamStep(double g) {
        double m = (1 - B1) * g;
        double v = (1 - B2) * g * g;
        double correctedLr = LR * Math.sqrt(1 - B2) / (1 - B1);
        return correctedLr * m / (Math.sqrt(v) + EPS);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void adamsL2IsCoupledAndAdamWsDecayIsDecoupled(EngineKind engine) {
        // Adam + l2: the decay joins the gradient before normalisation; the step is ~lr * sign(g + l2 w).
        DoubleBinaryOperator coupled = (w, g) -> w - adamStep(g + DECAY * w);
        // AdamW: the Adam step sees dLoss/dw only; w shrinks by lr * wd * w beside it.
        DoubleBinaryOperator decoupled = (w, g) -> w - LR * DECAY * w - adamStep(g);
        assertOneUpdate(engine, new CheckpointedAdam(Tracker.fixed(LR), DECAY, false), coupled);
        assertOneUpdate(engine, new CheckpointedAdam(Tracker.fixed(LR), DECAY, true), decoupled);
        // DJL's own optimizers, which CheckpointedAdam follows: the same on both engines.
        assertOneUpdate(engine, Optimizer.adam().optLearningRateTracker(Tracker.fixed(LR)).optWeightDecays(DECAY)
                .build(), coupled);
        assertOneUpdate(engine, Optimizer.adamW().optLearningRateTracker(Tracker.fixed(LR)).optWeightDecays(DECAY)
                .build(), decoupled);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void theTrainersOptimizersAddL2ToTheGradient(EngineKind engine) {
        assertOneUpdate(engine, create(OptimizerKind.SGD, engine), (w, g) -> w - LR * (g + DECAY * w));
        // AdaGrad, first step: h = g'^2, w -= lr g' / (|g'| + eps).
        assertOneUpdate(engine, create(OptimizerKind.ADAGRAD, engine), (w, g) -> {
            double gl2 = g + DECAY * w;
            return w - LR * gl2 / (Math.abs(gl2) + EPS);
        });
        // RMSProp, first step: n = (1 - rho) g'^2 with rho 0.9 (MXNet's operator through DJL; ours on PyTorch).
        assertOneUpdate(engine, create(OptimizerKind.RMSPROP, engine), (w, g) -> {
            double gl2 = g + DECAY * w;
            return w - LR * gl2 / Math.sqrt(0.1 * gl2 * gl2);
        });
    }

    private static Optimizer create(OptimizerKind kind, EngineKind engine) {
        RunConfig c = new RunConfig("semantics", null, null, null, null, null, null, null, kind, (double) LR, 0.0,
                (double) DECAY, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null).resolved().validate();
        return OptimizerFactory.create(c, Tracker.fixed(LR), engine);
    }

    /**
     * Puts G into the parameter's gradient through a real backward pass (loss = sum(w * G)), lets
     * the optimizer update once, and compares w with {@code expected(w, g)} element by element.
     */
    private static void assertOneUpdate(EngineKind engine, Optimizer optimizer, DoubleBinaryOperator expected) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine.djlName())) {
            EngineOps.recordOnlyInCollectors(engine);
            NDArray w = m.create(W.clone());
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(engine.djlName()).newGradientCollector()) {
                gc.backward(w.mul(m.create(G)).sum());
            }
            NDArray grad = w.getGradient();
            assertThat(grad.toFloatArray()).containsExactly(G);
            optimizer.update("p", w, grad);
            float[] after = w.toFloatArray();
            String name = optimizer.getClass().getSimpleName() + " on " + engine.djlName();
            for (int i = 0; i < W.length; i++) {
                assertThat((double) after[i]).as("%s, w[%d]", name, i)
                        .isCloseTo(expected.applyAsDouble(W[i], G[i]), within(1e-5));
            }
            // MXNet's next backward overwrites the gradient (grad_req write): the update leaves it.
            // PyTorch's would add to it: the update must have zeroed it.
            float[] left = w.getGradient().toFloatArray();
            if (engine == EngineKind.PYTORCH) {
                assertThat(left).as(name).containsOnly(0f);
            } else {
                assertThat(left).as(name).containsExactly(G);
            }
        }
    }
}
