package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.train.RunResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Which snapshots a run produces and what they hold, for every optimizer. */
class SnapshotScheduleTest {

    /** Every optimizer on each engine: a short training run with capture. */
    static Stream<Arguments> engineAndOptimizer() {
        return Stream.of(EngineKind.values())
                .flatMap(e -> Stream.of(OptimizerKind.values()).map(o -> Arguments.of(e, o)));
    }

    @ParameterizedTest
    @MethodSource("engineAndOptimizer")
    void oneSnapshotPerLayerPerIntervalPlusTheLastStep(EngineKind engine, OptimizerKind optimizer) throws Exception {
        TestRuns.Outcome o = TestRuns.run(TestRuns.tiny("sched-" + optimizer.wireName(), optimizer, 12, 5), engine);
        assertThat(o.result().status()).isEqualTo(RunResult.Status.FINISHED);
        List<LayerSnapshot> s = o.snapshots();
        assertThat(s).hasSize(3 * 5);
        assertThat(s.stream().map(x -> x.context().step()).distinct()).containsExactly(5L, 10L, 12L);
        for (LayerSnapshot x : s) {
            long window = x.context().step() == 12 ? 2 : 5;
            assertThat(x.activity().samplesSeen()).isEqualTo(window * 16);
            assertThat(x.activity().windowStartStep()).isEqualTo(x.context().step() - window + 1);
            assertThat(x.gradients().hasSecondMoments()).isEqualTo(optimizer.adaptive());
            assertThat(x.context().optimizer()).isEqualTo(optimizer.wireName());
            assertThat(x.sample().sampleCount()).isEqualTo(8);
            assertThat(x.sample().nonFiniteCount()).isZero();
            for (int f = 0; f < x.filterCount(); f++) {
                assertThat(x.activity().activeCount()[f]).isBetween(0L, x.activity().samplesSeen());
                assertThat(x.activity().responseSum()[f]).isGreaterThanOrEqualTo(0);
                assertThat(x.params().paramCount()[f]).isPositive();
            }
        }
        assertThat(s.get(0).layer().name()).isEqualTo("conv1");
        assertThat(s.get(0).layer().outHeight()).isEqualTo(28);
        assertThat(s.get(4).layer().outHeight()).isEqualTo(7);
        // conv1 of 4 filters on 1 channel: 9 weights + gamma + beta + conv2's slice 4*9.
        assertThat(s.get(0).params().paramCount()[0]).isEqualTo(9 + 2 + 36);
        assertThat(s.get(0).params().flops()[0]).isEqualTo(9L * 28 * 28 + 36L * 28 * 28);
    }

    @Test
    void captureEveryKthStepCoversOnlyThoseStepsAndTheSnapshotStep() throws Exception {
        RunConfig base = TestRuns.tiny("every-3", OptimizerKind.SGD, 10, 10);
        RunConfig c = new RunConfig(base.runId(), base.model(), base.widths(), base.dataset(), null, base.imageSize(),
                base.syntheticSamples(), base.syntheticClasses(), base.optimizer(), base.learningRate(), null,
                base.l2(), base.weightDecay(), null, null, null, base.batchSize(), 1, 10L, 3L, true, 10, 3, 8, null,
                null, 0);
        List<LayerSnapshot> s = TestRuns.run(c).snapshots();
        // steps 3, 6, 9 and the snapshot step 10
        assertThat(s.get(0).activity().samplesSeen()).isEqualTo(4 * 16);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void resNet18TrainsAndSnapshotsAllTwentyConvBnLayers(EngineKind engine) throws Exception {
        RunConfig c = new RunConfig("resnet", io.filterwatch.trainer.model.ModelKind.RESNET18, null,
                io.filterwatch.trainer.data.DatasetKind.SYNTHETIC, null, 32, 64, 10, OptimizerKind.ADAM, 1e-3, null,
                1e-4, null, null, null, null, 4, 1, 2L, 1L, true, 2, 1, 4, null, null, 0);
        TestRuns.Outcome o = TestRuns.run(c, engine);
        assertThat(o.result().status()).isEqualTo(RunResult.Status.FINISHED);
        // every Conv-BN: the stem, 16 branch convs, 3 projections (NetworksTest counts them)
        assertThat(o.snapshots()).hasSize(20);
        assertThat(o.snapshots().get(0).layer().name()).isEqualTo("stem.conv");
        assertThat(o.snapshots().get(7).layer().name()).isEqualTo("layer2.0.downsample");
        assertThat(o.snapshots().get(19).layer().name()).isEqualTo("layer4.1.conv2");
        assertThat(o.snapshots().get(19).activity().samplesSeen()).isEqualTo(8);
        for (LayerSnapshot s : o.snapshots()) {
            assertThat(s.sample().nonFiniteCount()).as(s.layer().name()).isZero();
            assertThat(s.activity().maxResponse()).as(s.layer().name()).doesNotContain(Float.NaN);
        }
    }

    @Test
    void snapshotsRoundTripThroughTheCodec() throws Exception {
        List<LayerSnapshot> s = TestRuns.run(TestRuns.tiny("codec", OptimizerKind.ADAM, 5, 5)).snapshots();
        byte[] bytes = SnapshotCodec.encode(s.get(2));
        LayerSnapshot back = SnapshotCodec.decode(bytes);
        assertThat(back.key()).isEqualTo(s.get(2).key());
        assertThat(back.params()).isEqualTo(s.get(2).params());
        assertThat(back.activity().activeCount()).containsExactly(s.get(2).activity().activeCount());
    }
}
