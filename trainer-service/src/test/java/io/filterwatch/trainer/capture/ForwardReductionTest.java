package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.model.ConvBn;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The spatial max taken inside the forward pass, right after the ReLU (the capture's default), is
 * the one taken after backward bit for bit, leaves autograd's graph and the gradients alone, and
 * keeps a map of NaN recognisable (-Float.MAX_VALUE, which {@link LayerActivity#response} turns
 * into NaN).
 */
class ForwardReductionTest {

    private static final String AFTER_BACKWARD = "filterwatch.trainer.capture.reduceAfterBackward";

    @Test
    void inForwardMaximaEqualThoseAfterBackwardAndGradientsAreUnchanged() {
        for (boolean relu : new boolean[] {true, false}) {
            float[][] with = step(relu, true, false);
            float[][] without = step(relu, false, false);
            // the in-forward reduction: same maxima as a pass after backward, same gradients
            assertThat(with[0]).as("relu %s: maxima", relu).containsExactly(with[1]);
            assertThat(with[2]).as("relu %s: d/dweight", relu).containsExactly(without[2]);
            assertThat(with[3]).as("relu %s: d/dgamma", relu).containsExactly(without[3]);
        }
    }

    @Test
    void aMapOfNanComesOutAsInTheReductionAfterBackward() {
        // Sample 0's input is NaN: BatchNorm's batch statistics spread it over the whole batch.
        // Without a ReLU (a residual-sum input) the kept maps are NaN; max pooling reports them as
        // -Float.MAX_VALUE in both paths, and response() turns that into NaN, never into silence.
        // (MXNet's ReLU maps NaN to 0, in either path alike.)
        float[][] r = step(false, true, true);
        assertThat(r[0]).containsExactly(r[1]).hasSize(6);
        for (float max : r[0]) {
            assertThat(max).isEqualTo(-Float.MAX_VALUE);
            assertThat(LayerActivity.response(max)).isNaN();
        }
        float[][] relu = step(true, true, true);
        assertThat(relu[0]).containsExactly(relu[1]);
    }

    @Test
    void aRunGivesTheSameSnapshotsEitherWay() throws Exception {
        List<LayerSnapshot> inForward = TestRuns.run(TestRuns.tiny("fwd", OptimizerKind.ADAM, 12, 5)).snapshots();
        List<LayerSnapshot> afterBackward;
        System.setProperty(AFTER_BACKWARD, "true");
        try {
            afterBackward = TestRuns.run(TestRuns.tiny("fwd", OptimizerKind.ADAM, 12, 5)).snapshots();
        } finally {
            System.clearProperty(AFTER_BACKWARD);
        }
        assertThat(inForward).hasSameSizeAs(afterBackward).hasSize(15);
        for (int i = 0; i < inForward.size(); i++) {
            LayerSnapshot a = inForward.get(i);
            LayerSnapshot b = afterBackward.get(i);
            String at = a.layer().name() + " @" + a.context().step();
            assertThat(a.activity().samplesSeen()).as(at).isEqualTo(b.activity().samplesSeen());
            assertThat(a.activity().maxResponse()).as(at).containsExactly(b.activity().maxResponse());
            assertThat(a.activity().activeCount()).as(at).containsExactly(b.activity().activeCount());
            assertThat(a.activity().responseSum()).as(at).containsExactly(b.activity().responseSum());
            assertThat(a.sample().responses()).as(at).containsExactly(b.sample().responses());
            assertThat(((io.filterwatch.protocol.ResponseSample) a.sample()).activeFraction()).as(at)
                    .containsExactly(((io.filterwatch.protocol.ResponseSample) b.sample()).activeFraction());
            assertThat(a.params().gamma()).as(at).containsExactly(b.params().gamma());
        }
    }

    /**
     * One training forward and backward of a 3-filter ConvBn on 2 samples.
     *
     * @return {in-forward maxima (empty if off), maxima taken after backward, d/dweight, d/dgamma}
     */
    private static float[][] step(boolean relu, boolean inForward, boolean nanSample) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Engine.getEngine("MXNet").setRandomSeed(7);
            ConvBn unit = relu ? ConvBn.withRelu("c", 3, 3, 1) : ConvBn.withoutRelu("c", 3, 3, 1);
            Shape shape = new Shape(2, 2, 6, 5);
            unit.initialize(m, DataType.FLOAT32, shape);
            unit.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
            if (inForward) {
                unit.reduceOutputInForward(LayerActivity::spatialMax);
            }
            Random rnd = new Random(3);
            float[] x = new float[(int) shape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = nanSample && i < x.length / 2 ? Float.NaN : (float) rnd.nextGaussian();
            }
            NDArray out;
            try (GradientCollector gc = Engine.getEngine("MXNet").newGradientCollector()) {
                out = unit.forward(new ParameterStore(m, false), new NDList(m.create(x, shape)), true)
                        .singletonOrThrow();
                gc.backward(out.mul(out).sum());
            }
            List<NDArray> outputs = unit.takeOutputs();
            List<NDArray> maxima = unit.takeReductions();
            assertThat(outputs).hasSize(1);
            assertThat(outputs.get(0)).isSameAs(out);
            assertThat(maxima).hasSize(inForward ? 1 : 0);
            assertThat(unit.takeReductionNanos() > 0).isEqualTo(inForward);
            return new float[][] {
                inForward ? maxima.get(0).toFloatArray() : new float[0],
                LayerActivity.spatialMax(out).toFloatArray(),
                unit.weight().getArray().getGradient().toFloatArray(),
                unit.gamma().getArray().getGradient().toFloatArray()};
        }
    }
}
