package io.filterwatch.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.filterwatch.protocol.PruningPlan;
import io.filterwatch.protocol.PruningPlanCalculator;
import io.filterwatch.protocol.PruningPlanCalculator.FilterReading;
import io.filterwatch.protocol.PruningPlanCalculator.LayerReadings;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.trainer.data.FashionMnist;
import io.filterwatch.trainer.data.SyntheticData;
import io.filterwatch.trainer.data.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan applied for real: a small BasicNet (8-8-16-16-16) trained for 40 Adam steps on Fashion-MNIST
 * (the synthetic set when Debian's package is absent), filters forced dead, the plan computed from the
 * network's own gamma and beta and its published topology, then a narrower BasicNet built with the
 * remaining weights and the plan's folds. Its logits on 64 real images in inference mode equal the
 * original's within 1e-4 of the largest logit; without the folds they do not.
 */
class AppliedPruningPlanTest {

    static {
        System.setProperty("ai.djl.default_engine", "MXNet");
    }

    private static final List<Integer> WIDTHS = List.of(8, 8, 16, 16, 16);
    private static final int BATCH = 32;

    @Test
    void prunedNetworkComputesTheSameLogits() {
        try (TrainingData data = data(); NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Network net = Networks.smallBasicNet(WIDTHS, data.sampleShape(), data.numClasses());
            net.keepOutputs(false);
            train(net, data);

            // Forced dead (gamma 0): beta < 0 gives ReLU(beta) = 0 everywhere (removed as is); beta > 0 a
            // constant. conv3 #4's 0.7 reaches conv4, a 3x3 conv with padding 1: the plan must keep it.
            // conv5's constants reach the head through global average pooling: folded into its bias.
            Map<String, Map<Integer, Float>> forced = Map.of(
                    "conv1", Map.of(1, -0.3f),
                    "conv2", Map.of(2, -0.5f, 5, -0.05f),
                    "conv3", Map.of(4, 0.7f),
                    "conv4", Map.of(6, -1f),
                    "conv5", Map.of(0, 0.4f, 3, 0.9f, 7, -0.2f));
            for (ConvBn unit : net.capturedLayers()) {
                forced.getOrDefault(unit.layerName(), Map.of()).forEach((f, beta) -> {
                    unit.gamma().getArray().set(new NDIndex(f), 0f);
                    unit.beta().getArray().set(new NDIndex(f), beta);
                });
            }

            RunTopology topology = ModelTopology.of(net);
            List<LayerReadings> readings = new ArrayList<>();
            for (ConvBn unit : net.capturedLayers()) {
                float[] gamma = unit.gamma().getArray().toFloatArray();
                float[] beta = unit.beta().getArray().toFloatArray();
                List<FilterReading> filters = new ArrayList<>();
                for (int f = 0; f < gamma.length; f++) {
                    filters.add(new FilterReading(f, false, gamma[f], beta[f]));
                }
                readings.add(new LayerReadings(unit.layerName(), readings.size(), unit.filters(), filters));
            }
            PruningPlan plan = PruningPlanCalculator.plan("applied", 40, topology, readings);

            assertThat(removable(plan)).containsExactly(List.of(1), List.of(2, 5), List.of(), List.of(6), List.of(0, 3, 7));
            assertThat(plan.layers().get(2).blocked()).singleElement().satisfies(b -> {
                assertThat(b.filter()).isEqualTo(4);
                assertThat(b.reason()).contains("into conv4 (3x3, padding 1)");
            });
            assertThat(plan.layers().get(4).folds()).extracting(PruningPlan.Fold::filter).containsExactly(0, 3);
            assertThat(plan.layers().get(4).folds().get(1).into()).singleElement()
                    .isEqualTo(new PruningPlan.FoldTarget("head", "bias", 0.9f));

            NDArray x = batch(manager, data, 1000, 64);
            float[] original = logits(net, x, manager);
            Network pruned = apply(plan, net, data, manager, true);
            float[] after = logits(pruned, x, manager);
            float scale = 0;
            for (float v : original) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).isGreaterThan(0.1f);
            double deviation = 0;
            for (int i = 0; i < original.length; i++) {
                assertThat(Math.abs(after[i] - original[i])).as("logit %d", i).isLessThanOrEqualTo(1e-4f * scale);
                deviation = Math.max(deviation, Math.abs(after[i] - original[i]));
            }
            // The folds matter: without them conv5's constants 0.4 and 0.9 are lost.
            float[] unfolded = logits(apply(plan, net, data, manager, false), x, manager);
            double worst = 0;
            for (int i = 0; i < original.length; i++) {
                worst = Math.max(worst, Math.abs(unfolded[i] - original[i]));
            }
            assertThat(worst).isGreaterThan(1e-2 * scale);
            System.out.printf("applied plan on %s: largest |logit| %.4f, pruned vs original max deviation %.3g, "
                    + "without the folds %.3g%n", data.name(), scale, deviation, worst);
            // Parameter count of the pruned net = original - the plan's saving.
            assertThat(trainable(net) - trainable(pruned)).isEqualTo(plan.paramsSaved());
        }
    }

    private static List<List<Integer>> removable(PruningPlan plan) {
        return plan.layers().stream().map(PruningPlan.LayerPlan::removable).toList();
    }

    private static TrainingData data() {
        Path fm = Path.of(FashionMnist.DEFAULT_PATH);
        return Files.isDirectory(fm) ? FashionMnist.load(fm, true) : new SyntheticData(2048, 10, 1, 28, 28, 11L);
    }

    /** 40 Adam steps of batch 32 on the first 1,280 samples: BN's running statistics move off their start. */
    private static void train(Network net, TrainingData data) {
        try (Model model = Model.newInstance("applied-plan", Device.cpu(), "MXNet")) {
            model.setBlock(net.block());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                Shape s = data.sampleShape();
                trainer.initialize(new Shape(BATCH, s.get(0), s.get(1), s.get(2)));
                for (int step = 0; step < 40; step++) {
                    try (NDManager stepManager = trainer.getManager().newSubManager()) {
                        NDArray x = batch(stepManager, data, step * BATCH, BATCH);
                        float[] y = new float[BATCH];
                        for (int i = 0; i < BATCH; i++) {
                            y[i] = data.label(step * BATCH + i);
                        }
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                            NDArray loss = trainer.getLoss().evaluate(new NDList(stepManager.create(y)), new NDList(pred));
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                }
                // Detach the trained parameters from the model's manager, which closes with the model.
                for (var p : net.block().getParameters()) {
                    p.getValue().getArray().detach();
                }
            }
        }
    }

    private static NDArray batch(NDManager manager, TrainingData data, int from, int n) {
        Shape s = data.sampleShape();
        int size = (int) s.size();
        float[] buf = new float[n * size];
        for (int i = 0; i < n; i++) {
            data.fill(from + i, buf, i * size);
        }
        return manager.create(buf, new Shape(n, s.get(0), s.get(1), s.get(2)));
    }

    private static float[] logits(Network net, NDArray x, NDManager manager) {
        NDList out = net.block().forward(new ParameterStore(manager, false), new NDList(x), false);
        return out.singletonOrThrow().toFloatArray();
    }

    private static long trainable(Network net) {
        long n = 0;
        for (var p : net.block().getParameters()) {
            Parameter.Type t = p.getValue().getType();
            if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR && t != Parameter.Type.BIAS) {
                n += p.getValue().getArray().getShape().size();
            }
        }
        return n;
    }

    /**
     * Builds the BasicNet without the plan's removed filters and copies what remains: conv weights
     * W[kept out, kept in], BN gamma, beta, running mean and variance of kept filters, the head's columns of
     * kept channels. With {@code fold}: each fold target gets the constant, a conv's BN as running mean o
     * minus constant x sum over the kernel of W[o, filter], the head as bias o plus constant x W[o, filter].
     */
    private static Network apply(PruningPlan plan, Network net, TrainingData data, NDManager manager, boolean fold) {
        List<Integer> widths = new ArrayList<>();
        List<List<Integer>> kept = new ArrayList<>();
        for (int i = 0; i < net.capturedLayers().size(); i++) {
            List<Integer> removed = plan.layers().get(i).removable();
            List<Integer> keep = new ArrayList<>();
            for (int f = 0; f < net.capturedLayers().get(i).filters(); f++) {
                if (!removed.contains(f)) {
                    keep.add(f);
                }
            }
            kept.add(keep);
            widths.add(keep.size());
        }
        Network pruned = Networks.smallBasicNet(widths, data.sampleShape(), data.numClasses());
        Shape s = data.sampleShape();
        pruned.block().initialize(manager, DataType.FLOAT32, new Shape(1, s.get(0), s.get(1), s.get(2)));

        // Folded shifts per consumer: layer -> (output channel -> delta).
        Map<String, double[]> meanShift = new HashMap<>();
        Linear head = head(net.block());
        float[] headW = head.getParameters().get("weight").getArray().toFloatArray();
        int classes = data.numClasses();
        double[] biasShift = new double[classes];
        if (fold) {
            for (PruningPlan.LayerPlan lp : plan.layers()) {
                for (PruningPlan.Fold f : lp.folds()) {
                    for (PruningPlan.FoldTarget t : f.into()) {
                        if (t.layer().equals("head")) {
                            int in = net.capturedLayers().get(lp.layerIndex()).filters();
                            for (int o = 0; o < classes; o++) {
                                biasShift[o] += t.constant() * headW[o * in + f.filter()];
                            }
                        } else {
                            ConvBn consumer = byName(net, t.layer());
                            float[] w = consumer.weight().getArray().toFloatArray();
                            int in = consumer.inChannels();
                            int kk = consumer.kernel() * consumer.kernel();
                            double[] shift = meanShift.computeIfAbsent(t.layer(), k -> new double[consumer.filters()]);
                            for (int o = 0; o < consumer.filters(); o++) {
                                double sum = 0;
                                for (int j = 0; j < kk; j++) {
                                    sum += w[(o * in + f.filter()) * kk + j];
                                }
                                shift[o] -= t.constant() * sum;
                            }
                        }
                    }
                }
            }
        }

        for (int i = 0; i < net.capturedLayers().size(); i++) {
            ConvBn from = net.capturedLayers().get(i);
            ConvBn to = pruned.capturedLayers().get(i);
            List<Integer> keepOut = kept.get(i);
            List<Integer> keepIn = i == 0 ? range(from.inChannels()) : kept.get(i - 1);
            int kk = from.kernel() * from.kernel();
            float[] w = from.weight().getArray().toFloatArray();
            float[] nw = new float[keepOut.size() * keepIn.size() * kk];
            int n = 0;
            for (int o : keepOut) {
                for (int c : keepIn) {
                    for (int j = 0; j < kk; j++) {
                        nw[n++] = w[(o * from.inChannels() + c) * kk + j];
                    }
                }
            }
            to.weight().getArray().set(nw);
            BatchNorm bnFrom = bn(from);
            BatchNorm bnTo = bn(to);
            double[] shift = meanShift.get(from.layerName());
            for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
                float[] v = bnFrom.getParameters().get(name).getArray().toFloatArray();
                float[] nv = new float[keepOut.size()];
                for (int k = 0; k < nv.length; k++) {
                    int o = keepOut.get(k);
                    nv[k] = name.equals("runningMean") && shift != null ? (float) (v[o] + shift[o]) : v[o];
                }
                bnTo.getParameters().get(name).getArray().set(nv);
            }
        }
        List<Integer> keepLast = kept.get(kept.size() - 1);
        int last = net.capturedLayers().get(kept.size() - 1).filters();
        float[] nw = new float[classes * keepLast.size()];
        for (int o = 0; o < classes; o++) {
            for (int k = 0; k < keepLast.size(); k++) {
                nw[o * keepLast.size() + k] = headW[o * last + keepLast.get(k)];
            }
        }
        Linear prunedHead = head(pruned.block());
        prunedHead.getParameters().get("weight").getArray().set(nw);
        float[] bias = head.getParameters().get("bias").getArray().toFloatArray();
        for (int o = 0; o < classes; o++) {
            bias[o] = (float) (bias[o] + biasShift[o]);
        }
        prunedHead.getParameters().get("bias").getArray().set(bias);
        return pruned;
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    private static ConvBn byName(Network net, String name) {
        return net.capturedLayers().stream().filter(u -> u.layerName().equals(name)).findFirst().orElseThrow();
    }

    private static BatchNorm bn(ConvBn unit) {
        for (Block b : unit.getChildren().values()) {
            if (b instanceof BatchNorm bn) {
                return bn;
            }
        }
        throw new IllegalStateException();
    }

    private static Linear head(Block block) {
        Linear found = null;
        for (Block b : block.getChildren().values()) {
            if (b instanceof Linear l) {
                found = l;
            }
        }
        return found;
    }
}
