package io.filterwatch.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.filterwatch.trainer.model.TorchOneDnn;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Why {@link TorchOneDnn} turns libtorch's oneDNN path off: the same seeded run of plain DJL blocks
 * (no FilterWatch code) on PyTorch's CPU, repeated with oneDNN on and off, counting the runs whose
 * gradients turned non-finite, the runs whose losses differ from the first, and the time. Not a
 * regression test (the failure is random); docs/trainer.md ("Engines") gives the figures.
 *
 * <pre>
 * ./mvnw -B -o -pl trainer-service test -Dtrainer.excludedGroups= -Dgroups=experiment \
 *     -Dtest=TorchOneDnnExperimentTest -Dexperiment.runs=500 -Dexperiment.widths=4,4,8,8,8
 * </pre>
 * ONEDNN_MAX_CPU_ISA=AVX2 in the environment holds oneDNN to AVX2. Table:
 * trainer-service/target/experiment-onednn.md.
 */
@Tag("experiment")
class TorchOneDnnExperimentTest {

    private static final int BATCH = 16;
    private static final int STEPS = 12;

    record Outcome(List<Float> losses, String nonFinite) {
    }

    @Test
    void seededRunsWithOneDnnOnAndOff() throws Exception {
        int runs = Integer.getInteger("experiment.runs", 100);
        int[] widths = Arrays.stream(System.getProperty("experiment.widths", "4,4,8,8,8").split(","))
                .mapToInt(Integer::parseInt).toArray();
        boolean before = TorchOneDnn.enabled();
        StringBuilder table = new StringBuilder("| oneDNN | widths | runs | non-finite | differ from the first | s |\n"
                + "|---|---|---|---|---|---|\n");
        try {
            for (boolean oneDnn : new boolean[] {true, false}) {
                TorchOneDnn.setEnabled(oneDnn);
                Outcome first = null;
                int nonFinite = 0;
                int differ = 0;
                long t0 = System.nanoTime();
                for (int r = 0; r < runs; r++) {
                    Outcome o = run(widths);
                    if (o.nonFinite() != null) {
                        nonFinite++;
                        System.out.printf("oneDNN %s run %d: %s%n", oneDnn, r, o.nonFinite());
                    } else if (first == null) {
                        first = o;
                    } else if (!o.losses().equals(first.losses())) {
                        differ++;
                    }
                }
                table.append(String.format("| %s | %s | %d | %d | %d | %.1f |%n", oneDnn ? "on" : "off",
                        Arrays.toString(widths), runs, nonFinite, differ, (System.nanoTime() - t0) / 1e9));
                if (!oneDnn) {
                    assertThat(nonFinite).as("non-finite runs with oneDNN off").isZero();
                }
            }
        } finally {
            TorchOneDnn.setEnabled(before);
        }
        System.out.print(table);
        Files.writeString(Path.of("target", "experiment-onednn.md"), table);
    }

    private static SequentialBlock net(int[] widths) {
        SequentialBlock net = new SequentialBlock();
        for (int i = 0; i < widths.length; i++) {
            net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(widths[i])
                    .optPadding(new Shape(1, 1)).optBias(false).build());
            net.add(BatchNorm.builder().build());
            net.add(Activation::relu);
            if (i % 2 == 0) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(10).build());
        return net;
    }

    /** 12 SGD steps on seeded Gaussian images; stops at the first non-finite gradient. */
    private static Outcome run(int[] widths) {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        Random rnd = new Random(7);
        float[] x = new float[BATCH * 28 * 28];
        float[] y = new float[BATCH];
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("onednn", Device.cpu(), "PyTorch")) {
            model.setBlock(net(widths));
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(5e-3f)).optMomentum(0.9f)
                    .optWeightDecays(1e-3f).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(sgd).optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(BATCH, 1, 28, 28));
                for (int step = 1; step <= STEPS; step++) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                    for (int i = 0; i < BATCH; i++) {
                        y[i] = rnd.nextInt(10);
                    }
                    try (NDManager sm = trainer.getManager().newSubManager()) {
                        NDArray xs = sm.create(FloatBuffer.wrap(x), new Shape(BATCH, 1, 28, 28));
                        NDArray labels = sm.create(FloatBuffer.wrap(y), new Shape(BATCH));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(xs)).singletonOrThrow();
                            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                            losses.add(loss.getFloat());
                            gc.backward(loss);
                        }
                        for (var p : trainer.getModel().getBlock().getParameters()) {
                            if (p.getValue().requiresGradient()) {
                                NDArray g = p.getValue().getArray().getGradient();
                                if (g.isNaN().logicalOr(g.isInfinite()).any().getBoolean()) {
                                    return new Outcome(losses, "step " + step + ", gradient of " + p.getKey());
                                }
                            }
                        }
                        trainer.step();
                    }
                }
            }
        }
        return new Outcome(losses, null);
    }
}
