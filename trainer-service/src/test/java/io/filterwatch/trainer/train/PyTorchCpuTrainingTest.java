package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.model.TorchCpuIsa;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training on PyTorch's CPU is repeatable: libtorch's kernels are held to AVX2 ({@link TorchCpuIsa}).
 * With oneDNN's AVX-512 convolution kernels most of these runs turned NaN at a random step.
 */
class PyTorchCpuTrainingTest {

    @Test
    void aPyTorchRunHoldsLibtorchToAvx2() throws Exception {
        TestRuns.run(TestRuns.tiny("isa", OptimizerKind.SGD, 1, 1), EngineKind.PYTORCH);
        TorchCpuIsa.CAPS.forEach((variable, value) -> assertThat(TorchCpuIsa.effective(variable)).as(variable)
                .isEqualTo(value));
    }

    @Test
    void theSameSeededRunGivesTheSameFiniteLossesEveryTime() throws Exception {
        List<List<Double>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            List<Double> losses = new ArrayList<>();
            RunResult r = new TrainingSession(TestRuns.tiny("repeat", OptimizerKind.SGD, 12, 5), new RunObserver() {
                @Override
                public void stepDone(RunProgress p, long stepNanos, long captureNanos) {
                    losses.add(p.lastLoss());
                }
            }, "cpu", EngineKind.PYTORCH).run();
            assertThat(r.status()).as("run %d", i).isEqualTo(RunResult.Status.FINISHED);
            runs.add(losses);
        }
        assertThat(runs.get(0)).hasSize(12).allMatch(Double::isFinite);
        assertThat(runs).allSatisfy(losses -> assertThat(losses).isEqualTo(runs.get(0)));
    }
}
