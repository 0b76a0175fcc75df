package io.filterwatch.e2e;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.ConvBn;
import io.filterwatch.trainer.model.Network;

/**
 * The paper's two tests, computed here from the trained model alone: its parameters from the trainer's
 * final checkpoint, loaded into a freshly built network, and its responses on the training data.
 * Activation test: r(n,f) = spatial max after BN and ReLU, the filter is dead when r(n,f) &lt;= 1e-12 for
 * every sample n (the first {@code samples} of the training set, in order). Scale test: |gamma_f| &lt; 1e-3.
 * The forward passes run in training mode (batch statistics, as during training, inside a gradient collector)
 * in mini-batches of the run's size.
 */
final class GroundTruth {

    static final double ACTIVE = 1e-12;
    static final double DEAD_GAMMA = 1e-3;

    /** Per layer: dead by either test, by activation, by scale; and the filter ids dead by either. */
    record Layer(String name, int filters, int dead, int deadByActivation, int deadByScale, List<Integer> deadIds) {
    }

    private GroundTruth() {
    }

    /** @param samples the first this many samples of the training set are run through the model (all when larger) */
    static Map<String, Layer> compute(Network net, TrainingData data, Path params, int batch, int samples) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("MXNet");
        Shape sample = data.sampleShape();
        Shape input = new Shape(batch, sample.get(0), sample.get(1), sample.get(2));
        List<ConvBn> layers = net.capturedLayers();
        double[][] max = new double[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            max[l] = new double[layers.get(l).filters()];
        }
        Map<String, Layer> out = new LinkedHashMap<>();
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            net.block().initialize(manager, DataType.FLOAT32, input);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
                net.block().loadParameters(manager, in);
            }
            net.keepOutputs(true);
            ParameterStore store = new ParameterStore(manager, false);
            int per = (int) (input.size() / batch);
            float[] x = new float[(int) input.size()];
            int n = Math.min(samples, data.size());
            for (int start = 0; start < n; start += batch) {
                int b = Math.min(batch, n - start);
                for (int i = 0; i < b; i++) {
                    data.fill(start + i, x, i * per);
                }
                try (NDManager sm = manager.newSubManager();
                     GradientCollector gc = engine.newGradientCollector()) {
                    NDArray xs = sm.create(java.util.Arrays.copyOf(x, b * per), new Shape(b, sample.get(0), sample.get(1), sample.get(2)));
                    net.block().forward(store, new NDList(xs), true);
                    for (int l = 0; l < layers.size(); l++) {
                        NDArray o = layers.get(l).takeOutput();
                        float[] m = o.max(new int[] {0, 2, 3}).toFloatArray();
                        for (int f = 0; f < m.length; f++) {
                            max[l][f] = Math.max(max[l][f], m[f]);
                        }
                    }
                }
            }
            for (int l = 0; l < layers.size(); l++) {
                ConvBn layer = layers.get(l);
                float[] gamma = layer.gamma().getArray().toFloatArray();
                int dead = 0, byAct = 0, byScale = 0;
                List<Integer> ids = new ArrayList<>();
                for (int f = 0; f < layer.filters(); f++) {
                    boolean a = max[l][f] <= ACTIVE;
                    boolean s = Math.abs(gamma[f]) < DEAD_GAMMA;
                    byAct += a ? 1 : 0;
                    byScale += s ? 1 : 0;
                    if (a || s) {
                        dead++;
                        ids.add(f);
                    }
                }
                out.put(layer.layerName(), new Layer(layer.layerName(), layer.filters(), dead, byAct, byScale, ids));
            }
        }
        return out;
    }
}
