package io.filterwatch.trainer.api;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.TestSplits;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;
import io.filterwatch.trainer.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code filterwatch.trainer.mode=evaluate}: loads the latest checkpoint of the run configured by
 * {@code filterwatch.run.*} (its {@code checkpoint-dir} and {@code run-id}, docs/trainer.md
 * "Checkpoints") into the run's network and scores it on the data set's test split
 * ({@link TestSplits}) in inference mode (BatchNorm with its running statistics). Job mode trains
 * and never evaluates; the study (docs/study.md) calls this once per finished run.
 */
public final class EvaluateMode {

    /** Evaluation batch: large enough to be quick, small enough for ResNets on a CPU. */
    static final int BATCH = 250;

    /**
     * @param step     the checkpoint's step
     * @param loss     mean softmax cross-entropy over the split
     * @param accuracy share of the split's samples whose arg-max class is the label
     */
    public record Result(String runId, String dataset, long step, int samples, long correct, double accuracy, double loss) {

        /** One line of JSON, what the mode prints on stdout. */
        public String json() {
            return String.format(Locale.ROOT,
                    "{\"runId\":\"%s\",\"dataset\":\"%s\",\"step\":%d,\"samples\":%d,\"correct\":%d,\"accuracy\":%.6f,\"loss\":%.6f}",
                    runId, dataset, step, samples, correct, accuracy, loss);
        }
    }

    private EvaluateMode() {
    }

    public static Result evaluate(RunConfig config) throws IOException {
        if (config.checkpointDir() == null) {
            throw new IllegalArgumentException("evaluate needs checkpoint-dir (the run's checkpoints are under <checkpoint-dir>/<run-id>)");
        }
        try (TrainingData test = TestSplits.open(config.dataset(), config.dataPath())) {
            Network net = Networks.build(config.model(), config.widths(), test.sampleShape(), test.numClasses());
            return evaluate(config.runId(), net, test, Path.of(config.checkpointDir()));
        }
    }

    /** Scores {@code net}, loaded from the latest checkpoint of {@code runId} under {@code checkpointDir}, on {@code data}. */
    public static Result evaluate(String runId, Network net, TrainingData data, Path checkpointDir) throws IOException {
        Shape sample = data.sampleShape();
        int floats = (int) sample.size();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            net.keepOutputs(false);
            net.block().initialize(manager, DataType.FLOAT32, new Shape(BATCH, sample.get(0), sample.get(1), sample.get(2)));
            long step = new Checkpoints(checkpointDir, runId).restore(net.block(), null, manager)
                    .orElseThrow(() -> new IllegalArgumentException("no checkpoint of run " + runId + " under " + checkpointDir));
            ParameterStore params = new ParameterStore(manager, false);
            Loss loss = Loss.softmaxCrossEntropyLoss();
            long correct = 0;
            double lossSum = 0;
            float[] x = new float[BATCH * floats];
            float[] y = new float[BATCH];
            for (int start = 0; start < data.size(); start += BATCH) {
                int n = Math.min(BATCH, data.size() - start);
                for (int i = 0; i < n; i++) {
                    data.fill(start + i, x, i * floats);
                    y[i] = data.label(start + i);
                }
                try (NDManager step0 = manager.newSubManager()) {
                    float[] xs = n == BATCH ? x : java.util.Arrays.copyOf(x, n * floats);
                    float[] ys = n == BATCH ? y : java.util.Arrays.copyOf(y, n);
                    NDArray in = step0.create(xs, new Shape(n, sample.get(0), sample.get(1), sample.get(2)));
                    NDArray labels = step0.create(ys, new Shape(n));
                    NDArray logits = net.block().forward(params, new NDList(in), false).singletonOrThrow();
                    float[] predicted = logits.argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        if (predicted[i] == ys[i]) {
                            correct++;
                        }
                    }
                    lossSum += loss.evaluate(new NDList(labels), new NDList(logits)).getFloat() * n;
                }
            }
            return new Result(runId, data.name(), step, data.size(), correct, correct / (double) data.size(),
                    lossSum / data.size());
        }
    }
}
