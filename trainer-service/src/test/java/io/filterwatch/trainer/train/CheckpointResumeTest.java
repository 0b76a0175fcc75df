package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {

    private static RunConfig withCheckpoints(RunConfig c, Path dir, long steps) {
        return new RunConfig(c.runId(), c.model(), c.widths(), c.dataset(), null, c.imageSize(), c.syntheticSamples(),
                c.syntheticClasses(), c.optimizer(), c.learningRate(), null, c.l2(), c.weightDecay(), null, null,
                null, c.batchSize(), 1, steps, c.seed(), true, c.snapshotInterval(), 1, 8, dir.toString(), 4, 0);
    }

    @Test
    void restartResumesFromTheLatestCheckpointWithTheSameStepNumbers(@TempDir Path dir) throws Exception {
        RunConfig base = TestRuns.tiny("resume-me", OptimizerKind.SGD, 8, 4);
        TestRuns.Outcome first = TestRuns.run(withCheckpoints(base, dir, 8));
        assertThat(Files.readString(dir.resolve("resume-me/checkpoint.properties"))).contains("step=8");
        float[] gammaAt8 = first.snapshots().get(5).params().gamma();

        // "Restart": same run id, longer run. It continues at step 9, not 1.
        TestRuns.Outcome second = TestRuns.run(withCheckpoints(base, dir, 12));
        assertThat(second.result().step()).isEqualTo(12);
        List<LayerSnapshot> s = second.snapshots();
        assertThat(s).hasSize(5);
        assertThat(s.get(0).context().step()).isEqualTo(12);
        assertThat(s.get(0).activity().windowStartStep()).isEqualTo(9);
        assertThat(s.get(0).activity().samplesSeen()).isEqualTo(4 * 16);
        // The restored parameters were trained: gamma moved from its initial 1 by the first run.
        assertThat(gammaAt8[0]).isNotEqualTo(1f);
    }
}
