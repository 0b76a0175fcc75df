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
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.BatchOrder;
import io.filterwatch.trainer.data.Datasets;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.EngineOps;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;
import io.filterwatch.trainer.model.TorchOneDnn;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One training run: builds the network and data, trains step by step and drives the capture.
 * Every step's NDArrays live in a sub-manager closed at the end of the step, so nothing leaks
 * into the model's manager however long the run is.
 */
public final class TrainingSession {

    private static final Logger LOG = Logger.getLogger(TrainingSession.class);

    /**
     * Benchmark switch, not a setting: true takes the capture's spatial max after backward, one
     * more pass over every output, as before (CaptureOverheadBenchmarkTest compares the paths);
     * default: inside the forward pass, right after each ReLU.
     */
    static final String REDUCE_AFTER_BACKWARD = "filterwatch.trainer.capture.reduceAfterBackward";

    static {
        // Nothing may download at run time: the MXNet library comes from the mxnet-native-mkl jar,
        // libtorch from pytorch-native-cpu and DJL's JNI glue from pytorch-jni, all on the classpath
        // (DJL extracts them to ~/.djl.ai on first use); GPU images point MXNET_LIBRARY_PATH or
        // PYTORCH_LIBRARY_PATH at natives baked in at build time.
        System.setProperty("ai.djl.offline", "true");
    }

    private final RunConfig config;
    private final RunObserver observer;
    private final String devices;
    private final EngineKind engine;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile RunProgress progress;

    public TrainingSession(RunConfig config, RunObserver observer) {
        this(config, observer, "auto", EngineKind.DEFAULT);
    }

    /**
     * @param devices {@code filterwatch.trainer.devices}: auto, cpu, gpu or gpu0,gpu1,... ({@link Devices})
     * @param engine  {@code filterwatch.trainer.engine}
     */
    public TrainingSession(RunConfig config, RunObserver observer, String devices, EngineKind engine) {
        this.config = config.resolved().validate();
        this.observer = observer;
        this.devices = devices;
        this.engine = engine;
        // DJL's default engine is the one its engine-neutral calls fall back to: the trainer's own,
        // not MXNet always. The first session of the process decides; a trainer runs one engine
        // (filterwatch.trainer.engine). (A PyTorch test JVM still had libmxnet mapped afterwards:
        // something else loads it; harmless, as nothing then runs on it.)
        System.getProperties().putIfAbsent("ai.djl.default_engine", engine.djlName());
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
        if (engine == EngineKind.PYTORCH) {
            // libtorch's oneDNN convolutions turned CPU training NaN at random steps (TorchOneDnn).
            // A process-wide switch of libtorch's alone: MXNet's MKL-DNN is left as it is.
            TorchOneDnn.setEnabled(false);
        }
        Device[] resolved = Devices.resolve(engine, devices);
        try (TrainingData data = Datasets.open(config.dataset(), config.dataPath(), config.imageSize(),
                config.syntheticSamples(), config.syntheticClasses(), 1, config.seed())) {
            Network net = Networks.build(config.model(), config.widths(), data.sampleShape(), data.numClasses());
            return train(net, data, resolved);
        }
    }

    /**
     * Entry point for tests and benchmarks that bring their own network and data.
     *
     * <p>With several devices every step is data-parallel, the way DJL's EasyTrain does it: the
     * batch is split into contiguous parts, one per device; each part's forward and backward run
     * on its device inside one gradient collector; {@code trainer.step()} then sums the devices'
     * gradients (MXNet's KVStore), updates once and copies the result to every device.
     *
     * @param parts one batch part per entry, trained on that device; the trainer's devices are
     *              the distinct entries. A device listed twice trains two parts whose weighted
     *              losses are added before its one backward pass (the configuration never lists
     *              a device twice; tests use it to run the multi-part path on one CPU)
     */
    public RunResult train(Network net, TrainingData data, Device... parts) throws Exception {
        int batch = config.batchSize();
        if (parts.length == 0 || batch < parts.length) {
            throw new IllegalArgumentException("batchSize " + batch + " is smaller than the " + parts.length
                    + " training devices: every device needs at least one sample per step");
        }
        Device[] devices = Arrays.stream(parts).distinct().toArray(Device[]::new);
        BatchOrder order = new BatchOrder(data.size(), batch, config.seed());
        long perEpoch = order.batchesPerEpoch();
        long totalSteps = config.maxSteps() != null ? config.maxSteps() : perEpoch * config.epochs();
        long[] clock = {0};
        LearningRateSchedule schedule = new LearningRateSchedule(config, totalSteps, () -> clock[0]);
        Optimizer optimizer = OptimizerFactory.create(config, schedule, engine);
        GuardedOptimizer guarded = new GuardedOptimizer(optimizer);
        ai.djl.engine.Engine.getEngine(engine.djlName()).setRandomSeed((int) (long) config.seed());
        LOG.infof("run %s trains on %s, devices %s", config.runId(), engine.djlName(), Arrays.toString(devices));

        // The model's own arrays live on the first device, so they are that device's copies:
        // updated by every step, and what checkpoints and parameter readouts see.
        try (Model model = Model.newInstance(net.name(), devices[0], engine.djlName())) {
            EngineOps.recordOnlyInCollectors(engine);
            model.setBlock(net.block());
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(guarded)
                    .optDevices(devices);
            try (Trainer trainer = model.newTrainer(tc)) {
                Shape sample = data.sampleShape();
                Shape inputShape = new Shape(batch, sample.get(0), sample.get(1), sample.get(2));
                long startStep = 0;
                Checkpoints checkpoints = config.checkpointDir() == null ? null
                        : new Checkpoints(Path.of(config.checkpointDir()), config.runId());
                if (checkpoints != null) {
                    // Loaded before trainer.initialize, which copies the parameters into MXNet's
                    // KVStore: the KVStore keeps its own copy and applies every update to it, so
                    // parameters loaded afterwards would be replaced by the initial ones plus one
                    // update at the first step. (PyTorch has no KVStore: DJL's LocalParameterServer
                    // updates the model's arrays in place; loading first is right there too.)
                    net.block().initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
                    startStep = checkpoints.restore(net.block(), optimizer, model.getNDManager()).orElse(0L);
                    if (startStep > 0) {
                        // Only trained parameters: BN's running mean and variance take no gradient
                        // (PyTorch refuses a batch norm whose running statistics require one).
                        net.block().getParameters().forEach(p -> {
                            if (p.getValue().requiresGradient()) {
                                p.getValue().getArray().setRequiresGradient(true);
                            }
                        });
                        LOG.infof("run %s resumes from its checkpoint at step %d", config.runId(), startStep);
                    }
                }
                trainer.initialize(inputShape);
                boolean capture = config.capture();
                net.keepOutputs(capture);
                try (LayerCapture layers = capture
                        ? new LayerCapture(net.capturedLayers(), model.getNDManager(), SecondMoments.of(optimizer),
                        config.sampleSize(), startStep + 1, !Boolean.getBoolean(REDUCE_AFTER_BACKWARD))
                        : null) {
                    return loop(net, data, order, trainer, guarded, layers, checkpoints, clock, schedule,
                            startStep, totalSteps, inputShape, parts);
                }
            }
        }
    }

    private RunResult loop(Network net, TrainingData data, BatchOrder order, Trainer trainer,
                           GuardedOptimizer optimizer, LayerCapture layers,
                           Checkpoints checkpoints, long[] clock, LearningRateSchedule schedule, long startStep,
                           long totalSteps, Shape inputShape, Device[] parts) throws Exception {
        int batch = config.batchSize();
        long perEpoch = order.batchesPerEpoch();
        int sampleFloats = (int) (inputShape.size() / batch);
        int[] splitStart = splits(batch, parts.length);
        // A device's backward runs after its last part (one part per device in real runs).
        boolean[] lastOnDevice = new boolean[parts.length];
        for (int k = 0; k < parts.length; k++) {
            lastOnDevice[k] = Arrays.asList(parts).lastIndexOf(parts[k]) == k;
        }
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
            boolean capturedStep = snapshotStep || step % config.captureEvery() == 0;
            if (layers != null) {
                layers.prepareStep(capturedStep);
            }
            float loss;
            long correct;
            long captureNanos;
            List<LayerSnapshot> snapshots = null;
            try (NDManager sm = root.newSubManager()) {
                int n = parts.length;
                NDArray[] labels = new NDArray[n];
                NDArray[] logits = new NDArray[n];
                NDArray[] losses = new NDArray[n];
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    Map<Device, NDArray> deviceLoss = new HashMap<>();
                    for (int k = 0; k < n; k++) {
                        int from = splitStart[k];
                        int size = splitStart[k + 1] - from;
                        NDManager dm = n == 1 ? sm : sm.newSubManager(parts[k]);
                        NDArray xs = dm.create(FloatBuffer.wrap(x, from * sampleFloats, size * sampleFloats),
                                new Shape(size, inputShape.get(1), inputShape.get(2), inputShape.get(3)));
                        labels[k] = dm.create(FloatBuffer.wrap(y, from, size), new Shape(size));
                        logits[k] = trainer.forward(new NDList(xs)).singletonOrThrow();
                        NDArray l = trainer.getLoss().evaluate(new NDList(labels[k]), new NDList(logits[k]));
                        // Each part's loss is its mean; weighted by its share, the parts' gradients
                        // (which the KVStore sums) add up to the gradient of the batch mean, as on
                        // one device. DJL's EasyTrain does not weight: its gradient grows with the
                        // number of devices.
                        if (n > 1) {
                            l = l.mul((float) size / batch);
                        }
                        losses[k] = l;
                        NDArray onDevice = deviceLoss.merge(parts[k], l, NDArray::add);
                        if (lastOnDevice[k]) {
                            gc.backward(onDevice);
                        }
                    }
                }
                // Read back only after every device has its work queued: on GPUs a read waits.
                float lossSum = 0;
                long correctSum = 0;
                for (int k = 0; k < n; k++) {
                    lossSum += losses[k].getFloat();
                    correctSum += logits[k].argMax(1).toType(DataType.FLOAT32, false).eq(labels[k]).sum().getLong();
                }
                loss = lossSum;
                correct = correctSum;
                List<LayerCapture.Pending> pending = null;
                long c0 = System.nanoTime();
                if (layers != null) {
                    if (snapshotStep) {
                        pending = layers.beforeUpdate();
                    } else if (capturedStep) {
                        layers.recordStep();
                    } else {
                        layers.skipStep();
                    }
                }
                captureNanos = System.nanoTime() - c0 + (layers != null ? layers.takeForwardNanos() : 0);
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
                checkpoints.save(net.block(), optimizer.delegate(), step, epoch);
            }
            if (step % perEpoch == 0 || step == totalSteps) {
                observer.epochEnd(progress, epochLoss / epochSteps, lastAccuracy);
                epochLoss = 0;
                epochCorrect = 0;
                epochSteps = 0;
            }
        }
        if (checkpoints != null && config.checkpointEvery() > 0) {
            checkpoints.save(net.block(), optimizer.delegate(), totalSteps, epoch);
        }
        return new RunResult(config.runId(), RunResult.Status.FINISHED, totalSteps, epoch, lastLoss, lastAccuracy,
                "finished");
    }

    /**
     * Contiguous parts of a batch, one per device, sizes differing by at most one (DJL's
     * Batch.split makes the last part the short one, or empty). Part k is
     * {@code [start[k], start[k + 1])}.
     */
    static int[] splits(int batch, int parts) {
        int[] start = new int[parts + 1];
        for (int k = 0; k <= parts; k++) {
            start[k] = (int) ((long) batch * k / parts);
        }
        return start;
    }
}
