package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.ndarray.types.Shape;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.trainer.TinyNet;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.BatchOrder;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.ConvBn;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.RunProgress;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel path on this GPU-less machine.
 *
 * <p>Two devices cannot be had here: DJL 0.36 maps every CPU-side MXNet context back to the one
 * {@code Device.cpu()} ({@code Device.of("cpu", 1)} is {@code Device.cpu()}; operators on
 * {@code cpu_pinned} arrays write their results to cpu(0)), so DJL's blocks would fetch the first
 * device's parameter copies for every part. So the path is tested in the pieces that do not
 * depend on that routing, which is DJL's:
 * <ul>
 *   <li>the training loop and the capture with the batch in two parts, both on the CPU: two
 *   forward passes with their own BatchNorm statistics, weighted losses, per-part capture,
 *   aggregates merged in the JVM, the response sample across parts; against one device;</li>
 *   <li>MXNet's KVStore (what {@code trainer.step()} calls) with two real contexts, cpu and
 *   cpu_pinned: one update applies the sum of the contexts' gradients to every copy, which is
 *   what the loss weighting relies on;</li>
 *   <li>the snapshot's gradient readout sums the per-device copies' gradients.</li>
 * </ul>
 *
 * <p>BatchNorm normalises each part with that part's statistics (no synchronised BN, as in DJL
 * and MXNet), so two parts equal one device on the same batch only when both halves have the
 * same statistics: the batch of step 1 here is [A, B, A, B].
 */
class DataParallelCaptureTest {

    /** Two batch parts, both on the CPU. */
    static final Device[] TWO = {Device.cpu(), Device.cpu()};
    static final Device PINNED = Device.of("cpu_pinned", 0);
    private static final long SEED = 7L;
    private static final double TOL = 1e-5;

    private static RunConfig config(OptimizerKind optimizer, double lr, double l2, long steps) {
        return new RunConfig("dp-run", ModelKind.SMALL_BASIC_NET, null, DatasetKind.SYNTHETIC, null, null, null,
                null, optimizer, lr, 0.0, l2, 0.0, null, null, null, TinyNet.N, 1, steps, SEED, true, 1, 1,
                TinyNet.N, null, null, null);
    }

    record Run(List<LayerSnapshot> snapshots, Map<Long, Double> loss) {
    }

    private static Run train(RunConfig config, TrainingData data, Device... devices) throws Exception {
        List<LayerSnapshot> out = new ArrayList<>();
        Map<Long, Double> loss = new HashMap<>();
        RunResult result = new TrainingSession(config, new RunObserver() {
            @Override
            public void snapshots(List<LayerSnapshot> snapshots) {
                out.addAll(snapshots);
            }

            @Override
            public void stepDone(RunProgress progress, long stepNanos, long captureNanos) {
                loss.put(progress.step(), progress.lastLoss());
            }
        }).train(TinyNet.network(), data, devices);
        assertThat(result.status()).isEqualTo(RunResult.Status.FINISHED);
        return new Run(out, loss);
    }

    @Test
    void twoPartsCaptureAndTrainLikeOneOnTheSameBatchWithSgd() throws Exception {
        compareOneAndTwoDevices(config(OptimizerKind.SGD, 0.1, 0.5, 2));
    }

    @Test
    void twoPartsCaptureAndTrainLikeOneOnTheSameBatchWithAdam() throws Exception {
        Run two = compareOneAndTwoDevices(config(OptimizerKind.ADAM, 1e-2, 0.5, 2));
        assertThat(two.snapshots().get(0).gradients().hasSecondMoments()).isTrue();
    }

    private Run compareOneAndTwoDevices(RunConfig config) throws Exception {
        Run one = train(config, duplicatedHalves(), Device.cpu());
        Run two = train(config, duplicatedHalves(), TWO);
        assertThat(two.snapshots()).hasSize(2);
        LayerSnapshot a = one.snapshots().get(0);
        LayerSnapshot b = two.snapshots().get(0);

        assertThat(b.activity().samplesSeen()).isEqualTo(TinyNet.N);
        for (int f = 0; f < TinyNet.F; f++) {
            assertThat(b.activity().maxResponse()[f]).isCloseTo(a.activity().maxResponse()[f], within((float) TOL));
            assertThat(b.activity().responseSum()[f]).isCloseTo(a.activity().responseSum()[f], within(TOL));
            assertThat(b.gradients().gradGamma()[f]).as("dL/dgamma").isCloseTo(a.gradients().gradGamma()[f],
                    within((float) TOL));
            assertThat(b.gradients().gradBeta()[f]).as("dL/dbeta").isCloseTo(a.gradients().gradBeta()[f],
                    within((float) TOL));
            assertThat(b.gradients().gradWeightNorm()[f]).isCloseTo(a.gradients().gradWeightNorm()[f],
                    within((float) TOL));
            if (a.gradients().hasSecondMoments()) {
                assertThat(b.gradients().rmsGamma()[f]).isCloseTo(a.gradients().rmsGamma()[f], within((float) TOL));
                assertThat(b.gradients().rmsBeta()[f]).isCloseTo(a.gradients().rmsBeta()[f], within((float) TOL));
            }
        }
        assertThat(b.activity().activeCount()).containsExactly(a.activity().activeCount());
        // The sample spans both parts: samples 0-1 from the first, 2-3 from the second.
        assertThat(b.sample().sampleCount()).isEqualTo(TinyNet.N);
        for (int n = 0; n < TinyNet.N; n++) {
            for (int f = 0; f < TinyNet.F; f++) {
                assertThat(b.sample().response(n, f, TinyNet.F))
                        .isCloseTo(a.sample().response(n, f, TinyNet.F), within((float) TOL));
            }
        }
        assertThat(two.loss().get(1L)).isCloseTo(one.loss().get(1L), within(TOL));

        // Step 2's snapshot shows the parameters after step 1's update (taken before its own).
        LayerSnapshot a2 = one.snapshots().get(1);
        LayerSnapshot b2 = two.snapshots().get(1);
        for (int f = 0; f < TinyNet.F; f++) {
            assertThat(b2.params().gamma()[f]).isCloseTo(a2.params().gamma()[f], within((float) TOL));
            assertThat(b2.params().beta()[f]).isCloseTo(a2.params().beta()[f], within((float) TOL));
            assertThat(b2.params().weightNorm()[f]).isCloseTo(a2.params().weightNorm()[f], within((float) TOL));
        }
        // ...and the update moved them: the comparison is not between two untouched copies.
        assertThat(b2.params().gamma()[0]).isNotCloseTo(1f, within(1e-4f));
        return two;
    }

    @Test
    void everySampleOfEveryPartIsCaptured() throws Exception {
        // Distinct halves: each part is normalised on its own, as the hand forward pass does it too.
        List<LayerSnapshot> snaps = train(config(OptimizerKind.SGD, 1e-12, 0.0, 1), TinyNet.data(), TWO)
                .snapshots();
        LayerSnapshot s = snaps.get(0);
        assertThat(s.activity().samplesSeen()).isEqualTo(TinyNet.N);
        int[] batch = new BatchOrder(TinyNet.N, TinyNet.N, SEED).batch(0, 0);
        int half = TinyNet.N / 2;
        double[][][][] first = TinyNet.forward(new TinyNet.Params(), java.util.Arrays.copyOfRange(batch, 0, half));
        double[][][][] second = TinyNet.forward(new TinyNet.Params(), java.util.Arrays.copyOfRange(batch, half,
                TinyNet.N));
        for (int f = 0; f < TinyNet.F; f++) {
            double max = 0;
            long active = 0;
            double sum = 0;
            for (int n = 0; n < TinyNet.N; n++) {
                double r = TinyNet.spatialMax(n < half ? first[n][f] : second[n - half][f]);
                max = Math.max(max, r);
                active += r > 1e-12 ? 1 : 0;
                sum += r;
                assertThat((double) s.sample().response(n, f, TinyNet.F)).as("r(%d,%d)", n, f)
                        .isCloseTo(r, within(2e-4));
            }
            assertThat((double) s.activity().maxResponse()[f]).isCloseTo(max, within(2e-4));
            assertThat(s.activity().activeCount()[f]).isEqualTo(active);
            assertThat(s.activity().responseSum()[f]).isCloseTo(sum, within(1e-3));
        }
        assertThat(s.activity().activeCount()).containsExactly(4, 0);
    }

    @Test
    void oneUpdateAppliesTheSumOfTheContextsGradientsToEveryCopy() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet");
             ParameterServer server = Engine.getEngine("MXNet").newParameterServer(
                     Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())) {
            NDArray onCpu = manager.create(new float[] {1f, 2f, 3f});
            NDArray onPinned = onCpu.toDevice(PINNED, true);
            assertThat(JnaContext.of(onPinned)).isEqualTo("cpu_pinned");
            onCpu.setRequiresGradient(true);
            onPinned.setRequiresGradient(true);
            onCpu.getGradient().set(FloatBuffer.wrap(new float[] {1f, 1f, 1f}));
            onPinned.getGradient().set(FloatBuffer.wrap(new float[] {2f, 4f, 6f}));
            server.init("w", new NDArray[] {onCpu});
            server.update("w", new NDArray[] {onCpu, onPinned});
            // w - lr (g_cpu + g_pinned), on both copies
            float[] expected = {1f - 0.1f * 3f, 2f - 0.1f * 5f, 3f - 0.1f * 7f};
            assertThat(onCpu.toFloatArray()).containsExactly(expected, within(1e-6f));
            assertThat(onPinned.toFloatArray()).containsExactly(expected, within(1e-6f));
        }
    }

    @Test
    void snapshotGradientIsTheSumOverTheDevicesCopies() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet");
             ParameterServer server = Engine.getEngine("MXNet").newParameterServer(Optimizer.sgd()
                     .setLearningRateTracker(Tracker.fixed(0.1f)).build())) {
            ConvBn unit = ConvBn.withRelu("conv1", 2, 3, 1);
            unit.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 5, 5));
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(server, new Device[] {Device.cpu(), PINNED});
            try (GradientCollector gc = Engine.getEngine("MXNet").newGradientCollector()) {
                unit.forward(store, new NDList(manager.ones(new Shape(1, 1, 5, 5))), true);
            }
            store.getValue(unit.gamma(), Device.cpu(), true).getGradient()
                    .set(FloatBuffer.wrap(new float[] {1f, 2f}));
            store.getValue(unit.gamma(), PINNED, true).getGradient().set(FloatBuffer.wrap(new float[] {10f, 20f}));
            assertThat(ParameterReadout.gradient(unit, unit.gamma(), List.of(Device.cpu(), PINNED)))
                    .containsExactly(11f, 22f);
            assertThat(ParameterReadout.gradient(unit, unit.gamma(), List.of(Device.cpu()))).containsExactly(1f, 2f);
        }
    }

    /** The MXNet context an array really lives in (DJL's getDevice() reports every CPU-side one as cpu). */
    private static final class JnaContext {
        static String of(NDArray array) {
            java.nio.IntBuffer type = java.nio.IntBuffer.allocate(1);
            java.nio.IntBuffer id = java.nio.IntBuffer.allocate(1);
            ai.djl.mxnet.jna.LibUtils.loadLibrary().MXNDArrayGetContext(
                    ((ai.djl.mxnet.engine.MxNDArray) array).getHandle(), type, id);
            return switch (type.get(0)) {
                case 1 -> "cpu";
                case 2 -> "gpu";
                case 3 -> "cpu_pinned";
                default -> "type " + type.get(0);
            };
        }
    }

    /** TinyNet's images 0 and 1, placed so that step 1's batch is [A, B, A, B]. */
    private static TrainingData duplicatedHalves() {
        TrainingData tiny = TinyNet.data();
        int[] step1 = new BatchOrder(TinyNet.N, TinyNet.N, SEED).batch(0, 0);
        int[] image = new int[TinyNet.N];
        for (int i = 0; i < TinyNet.N; i++) {
            image[step1[i]] = i % 2;
        }
        return new TrainingData() {
            @Override
            public String name() {
                return "duplicated-halves";
            }

            @Override
            public int size() {
                return TinyNet.N;
            }

            @Override
            public int numClasses() {
                return TinyNet.K;
            }

            @Override
            public Shape sampleShape() {
                return tiny.sampleShape();
            }

            @Override
            public void fill(int index, float[] target, int offset) {
                tiny.fill(image[index], target, offset);
            }

            @Override
            public int label(int index) {
                return tiny.label(image[index]);
            }
        };
    }
}
