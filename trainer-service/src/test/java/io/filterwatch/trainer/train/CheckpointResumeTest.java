package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {

    private static RunConfig withCheckpoints(RunConfig c, Path dir, long steps) {
        return new RunConfig(c.runId(), c.model(), c.widths(), c.dataset(), null, c.imageSize(), c.syntheticSamples(),
                c.syntheticClasses(), c.optimizer(), c.learningRate(), c.momentum(), c.l2(), c.weightDecay(), null, null,
                null, c.batchSize(), 1, steps, c.seed(), true, c.snapshotInterval(), 1, 8, dir.toString(), 4, 0);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void restartResumesFromTheLatestCheckpointWithTheSameStepNumbers(EngineKind engine, @TempDir Path dir)
            throws Exception {
        RunConfig base = TestRuns.tiny("resume-me", OptimizerKind.SGD, 8, 4);
        TestRuns.Outcome first = TestRuns.run(withCheckpoints(base, dir, 8), engine);
        assertThat(Files.readString(dir.resolve("resume-me/checkpoint.properties"))).contains("step=8");
        float[] gammaAt8 = first.snapshots().get(5).params().gamma();

        // "Restart": same run id, longer run. It continues at step 9, not 1.
        TestRuns.Outcome second = TestRuns.run(withCheckpoints(base, dir, 12), engine);
        assertThat(second.result().step()).isEqualTo(12);
        List<LayerSnapshot> s = second.snapshots();
        assertThat(s).hasSize(5);
        assertThat(s.get(0).context().step()).isEqualTo(12);
        assertThat(s.get(0).activity().windowStartStep()).isEqualTo(9);
        assertThat(s.get(0).activity().samplesSeen()).isEqualTo(4 * 16);
        // The restored parameters were trained: gamma moved from its initial 1 by the first run.
        assertThat(gammaAt8[0]).isNotEqualTo(1f);
    }

    /**
     * Every optimizer whose state is ours (checkpointed), on both engines. RMSProp is ours on
     * PyTorch only (DJL's on MXNet keeps its state private). SGD without momentum has no state: it
     * shows the restored parameters themselves are trained on (MXNet's KVStore holds a copy of
     * every parameter, taken at initialisation).
     */
    static Stream<Arguments> checkpointedOptimizers() {
        Stream<Arguments> both = Stream.of(EngineKind.values()).flatMap(e -> Stream.of(OptimizerKind.SGD,
                OptimizerKind.ADAM, OptimizerKind.ADAMW, OptimizerKind.ADAGRAD).map(o -> Arguments.of(e, o)));
        return Stream.concat(both, Stream.of(Arguments.of(EngineKind.PYTORCH, OptimizerKind.RMSPROP)));
    }

    @ParameterizedTest
    @MethodSource("checkpointedOptimizers")
    void aResumedRunContinuesAsIfItHadNeverStopped(EngineKind engine, OptimizerKind optimizer, @TempDir Path dir)
            throws Exception {
        RunConfig tiny = TestRuns.tiny("resume-" + optimizer.wireName(), optimizer, 8, 4);
        RunConfig base = new RunConfig(tiny.runId(), tiny.model(), tiny.widths(), tiny.dataset(), null,
                tiny.imageSize(), tiny.syntheticSamples(), tiny.syntheticClasses(), optimizer, tiny.learningRate(),
                0.0, tiny.l2(), tiny.weightDecay(), null, null, null, tiny.batchSize(), 1, 8L, tiny.seed(), true, 4, 1,
                8, null, null, 0);
        LayerSnapshot straight = lastOfConv1(TestRuns.run(base, engine));

        TestRuns.run(withCheckpoints(base, dir, 4), engine);
        assertThat(Files.isRegularFile(dir.resolve(base.runId()).resolve(Checkpoints.OPTIMIZER_STATE)))
                .isEqualTo(optimizer != OptimizerKind.SGD);
        LayerSnapshot resumed = lastOfConv1(TestRuns.run(withCheckpoints(base, dir, 8), engine));

        assertThat(resumed.context().step()).isEqualTo(8);
        // Parameters after 7 updates (the snapshot is taken before step 8's), and the second
        // moments after 8: as if the run had never stopped. With m and v restarting at zero the
        // first update after the restart is a full lr-sized step per weight, far outside this.
        for (int f = 0; f < straight.filterCount(); f++) {
            assertThat(resumed.params().gamma()[f]).isCloseTo(straight.params().gamma()[f], within(1e-5f));
            assertThat(resumed.params().beta()[f]).isCloseTo(straight.params().beta()[f], within(1e-5f));
            if (optimizer.adaptive()) {
                assertThat(resumed.gradients().rmsGamma()[f]).isCloseTo(straight.gradients().rmsGamma()[f],
                        within(1e-5f * Math.max(1f, straight.gradients().rmsGamma()[f])));
            }
        }
    }

    private static LayerSnapshot lastOfConv1(TestRuns.Outcome o) {
        List<LayerSnapshot> conv1 = o.snapshots().stream().filter(s -> s.layer().name().equals("conv1")).toList();
        return conv1.get(conv1.size() - 1);
    }
}
