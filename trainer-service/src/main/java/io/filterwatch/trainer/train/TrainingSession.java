package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.TrainingContext;
import io.filterwatch.trainer.capture.LayerCapture;
import io.filterwatch.trainer.capture.SecondMoments;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.BatchOrder;
import io.filterwatch.trainer.data.Datasets;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One training run: builds the network and data, trains step by step and drives the capture.
 * Every step's NDArrays live in a sub-manager closed at the end of the step, so nothing leaks
 * into the model's manager however long the run is.
 */
public final class TrainingSession {

    private static final Logger LOG = Logger.getLogger(TrainingSession.class);

    static {
        // Nothing may download at run time; the MXNet native library comes from the
        // mxnet-native-mkl jar on the classpath (DJL extracts it to ~/.djl.ai on first use).
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "MXNet");
    }

    private final RunConfig config;
    private final RunObserver observer;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile RunProgress progress;

    public TrainingSession(RunConfig config, RunObserver observer) {
        this.config = config.resolved().validate();
        this.observer = observer;
        this.progress = new RunProgress(this.config.runId(), 0, 0, 0, Double.NaN, Double.NaN, 0);
    }

    public RunConfig config() {
        return config;
    }

    public RunProgress progress() {
        return progress;
    }

    public void requestStop() {
        stopRequested.set(true);
    }

    /** Trains to the end (or a stop request). Exceptions propagate: the caller reports FAILED. */
    public RunResult run() throws Exception {
        Device device = Devices.pick();
        try (TrainingData data = Datasets.open(config.dataset(), config.dataPath(), config.imageSize(),
                config.syntheticSamples(), config.syntheticClasses(), 1, config.seed())) {
            Network net = Networks.build(config.model(), config.widths(), data.sampleShape(), data.numClasses());
            return train(net, data, device);
        }
    }

    /** Entry point for tests and benchmarks that bring their own network and data. */
    public RunResult train(Network net, TrainingData data, Device device) throws Exception {
        int batch = config.batchSize();
        BatchOrder order = new BatchOrder(data.size(), batch, config.seed());
        long perEpoch = order.batchesPerEpoch();
        long totalSteps = config.maxSteps() != null ? config.maxSteps() : perEpoch * config.epochs();
        long[] clock = {0};
        LearningRateSchedule schedule = new LearningRateSchedule(config, totalSteps, () -> clock[0]);
        Optimizer optimizer = OptimizerFactory.create(config, schedule);
        GuardedOptimizer guarded = new GuardedOptimizer(optimizer);
        ai.djl.engine.Engine.getEngine("MXNet").setRandomSeed((int) (long) config.seed());

        try (Model model = Model.newInstance(net.name(), device, "MXNet")) {
            model.setBlock(net.block());
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(guarded)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(tc)) {
                Shape sample = data.sampleShape();
                Shape inputShape = new Shape(batch, sample.get(0), sample.get(1), sample.get(2));
                trainer.initialize(inputShape);

                long startStep = 0;
                Checkpoints checkpoints = config.checkpointDir() == null ? null
                        : new Checkpoints(Path.of(config.checkpointDir()), config.runId());
                if (checkpoints != null) {
                    startStep = checkpoints.restore(net.block(), model.getNDManager()).orElse(0L);
                    if (startStep > 0) {
                        net.block().getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
                        LOG.infof("run %s resumes from its checkpoint at step %d", config.runId(), startStep);
                    }
                }
                boolean capture = config.capture();
                net.keepOutputs(capture);
                try (LayerCapture layers = capture
                        ? new LayerCapture(net.capturedLayers(), model.getNDManager(), SecondMoments.of(optimizer),
                        config.sampleSize(), startStep + 1)
                        : null) {
                    return loop(net, data, order, trainer, guarded, layers, checkpoints, clock, schedule,
                            startStep, totalSteps, inputShape);
                }
            }
        }
    }

    private RunResult loop(Network net, TrainingData data, BatchOrder order, Trainer trainer,
                           GuardedOptimizer optimizer, LayerCapture layers,
                           Checkpoints checkpoints, long[] clock, LearningRateSchedule schedule, long startStep,
                           long totalSteps, Shape inputShape) throws Exception {
        int batch = config.batchSize();
        long perEpoch = order.batchesPerEpoch();
        int sampleFloats = (int) (inputShape.size() / batch);
        float[] x = new float[(int) inputShape.size()];
        float[] y = new float[batch];
        int epoch = (int) (startStep / perEpoch);
        double epochLoss = 0;
        long epochCorrect = 0;
        long epochSteps = 0;
        long updatesThisProcess = 0;
        double lastLoss = Double.NaN;
        double lastAccuracy = Double.NaN;
        long windowStart = System.nanoTime();
        long windowSteps = 0;
        double rate = 0;
        NDManager root = trainer.getManager();

        progress = new RunProgress(config.runId(), startStep, totalSteps, epoch, lastLoss, lastAccuracy, 0);
        observer.started(progress);
        for (long step = startStep + 1; step <= totalSteps; step++) {
            if (stopRequested.get()) {
                return new RunResult(config.runId(), RunResult.Status.STOPPED, step - 1, epoch, lastLoss, lastAccuracy,
                        "stop requested");
            }
            long t0 = System.nanoTime();
            clock[0] = step;
            epoch = (int) ((step - 1) / perEpoch);
            int[] indices = order.batch(epoch, (int) ((step - 1) % perEpoch));
            for (int i = 0; i < batch; i++) {
                data.fill(indices[i], x, i * sampleFloats);
                y[i] = data.label(indices[i]);
            }
            boolean snapshotStep = layers != null
                    && (step % config.snapshotInterval() == 0 || step == totalSteps);
            float loss;
            long correct;
            long captureNanos;
            List<LayerSnapshot> snapshots = null;
            try (NDManager sm = root.newSubManager()) {
                NDArray xs = sm.create(x, inputShape);
                NDArray ys = sm.create(y);
                NDList predictions;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    predictions = trainer.forward(new NDList(xs));
                    NDArray l = trainer.getLoss().evaluate(new NDList(ys), predictions);
                    gc.backward(l);
                    loss = l.getFloat();
                }
                correct = predictions.singletonOrThrow().argMax(1).toType(DataType.FLOAT32, false)
                        .eq(ys).sum().getLong();
                List<LayerCapture.Pending> pending = null;
                long c0 = System.nanoTime();
                if (layers != null) {
                    if (snapshotStep) {
                        pending = layers.beforeUpdate();
                    } else if (step % config.captureEvery() == 0) {
                        layers.recordStep();
                    } else {
                        layers.skipStep();
                    }
                }
                captureNanos = System.nanoTime() - c0;
                trainer.step();
                optimizer.check(step);
                updatesThisProcess++;
                if (pending != null) {
                    long c1 = System.nanoTime();
                    TrainingContext ctx = new TrainingContext(config.runId(), 0, step, epoch,
                            System.currentTimeMillis(), config.optimizer().wireName(), schedule.at(step),
                            config.l2(), config.weightDecay(), batch);
                    snapshots = layers.afterUpdate(pending, ctx, updatesThisProcess);
                    captureNanos += System.nanoTime() - c1;
                }
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("loss became " + loss + " at step " + step
                        + " (learning rate too high?)");
            }
            lastLoss = loss;
            epochLoss += loss;
            epochCorrect += correct;
            epochSteps++;
            lastAccuracy = epochCorrect / (double) (epochSteps * batch);
            windowSteps++;
            long now = System.nanoTime();
            if (now - windowStart > 2_000_000_000L) {
                rate = windowSteps / ((now - windowStart) / 1e9);
                windowStart = now;
                windowSteps = 0;
            }
            progress = new RunProgress(config.runId(), step, totalSteps, epoch, lastLoss, lastAccuracy, rate);
            if (snapshots != null) {
                observer.snapshots(snapshots);
            }
            observer.stepDone(progress, now - t0, captureNanos);
            if (checkpoints != null && config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
                checkpoints.save(net.block(), step, epoch);
            }
            if (step % perEpoch == 0 || step == totalSteps) {
                observer.epochEnd(progress, epochLoss / epochSteps, lastAccuracy);
                epochLoss = 0;
                epochCorrect = 0;
                epochSteps = 0;
            }
        }
        if (checkpoints != null && config.checkpointEvery() > 0) {
            checkpoints.save(net.block(), totalSteps, epoch);
        }
        return new RunResult(config.runId(), RunResult.Status.FINISHED, totalSteps, epoch, lastLoss, lastAccuracy,
                "finished");
    }
}
