package io.filterwatch.trainer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.SyntheticData;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluate mode's scoring of a checkpoint, on a tiny synthetic run (no Quarkus, seconds). */
class EvaluateModeTest {

    @Test
    void scoresTheCheckpointedParametersNotAFreshInitialisation(@TempDir Path dir) throws Exception {
        RunConfig tiny = TestRuns.tiny("eval-me", OptimizerKind.ADAM, 6, 3);
        RunConfig withCheckpoint = new RunConfig(tiny.runId(), tiny.model(), tiny.widths(), tiny.dataset(), null,
                tiny.imageSize(), tiny.syntheticSamples(), tiny.syntheticClasses(), tiny.optimizer(), tiny.learningRate(),
                tiny.momentum(), tiny.l2(), tiny.weightDecay(), null, null, null, tiny.batchSize(), 1, 6L, tiny.seed(), true,
                3, 1, 8, dir.toString(), 3, 0);
        TestRuns.run(withCheckpoint);

        // 300 samples: one full evaluation batch of 250 and a short one of 50.
        SyntheticData data = new SyntheticData(300, 10, 1, 28, 28, 11);
        EvaluateMode.Result first = EvaluateMode.evaluate("eval-me", fresh(tiny), data, dir);
        // Each fresh network starts from other random weights; loading the checkpoint replaces all of them.
        EvaluateMode.Result second = EvaluateMode.evaluate("eval-me", fresh(tiny), data, dir);

        assertThat(first.step()).isEqualTo(6);
        assertThat(first.samples()).isEqualTo(300);
        assertThat(first.correct()).isBetween(0L, 300L);
        assertThat(first.accuracy()).isEqualTo(first.correct() / 300.0);
        assertThat(first.loss()).isFinite().isPositive();
        assertThat(second).isEqualTo(first);
        assertThat(first.json()).startsWith("{\"runId\":\"eval-me\",").contains("\"step\":6,\"samples\":300,");
    }

    @Test
    void withoutACheckpointItSaysWhere(@TempDir Path dir) {
        RunConfig tiny = TestRuns.tiny("never-trained", OptimizerKind.SGD, 2, 2);
        assertThatThrownBy(() -> EvaluateMode.evaluate("never-trained", fresh(tiny), new SyntheticData(10, 10, 1, 28, 28, 1), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no checkpoint of run never-trained");
    }

    private static Network fresh(RunConfig c) {
        return Networks.build(c.model(), c.widths(), new ai.djl.ndarray.types.Shape(1, 28, 28), 10);
    }
}
