package io.filterwatch.trainer.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One training run, as posted to {@code POST /runs} or read from {@code filterwatch.run.*} in
 * job mode. Every field may be omitted; {@link #resolved()} fills the defaults and
 * {@link #validate()} rejects what DJL cannot express.
 *
 * <p>Regularisation is two separate, explicit settings: {@code l2} is coupled (added to the
 * gradient, which adaptive optimizers then normalise) and {@code weightDecay} is decoupled
 * (shrinks the weight directly). DJL's MXNet optimizers take one {@code weightDecays} value whose
 * meaning depends on the optimizer: coupled for SGD, Adam, AdaGrad and RMSProp, decoupled for
 * AdamW. So L2 goes with those four and weight decay with AdamW only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunConfig(
        String runId,
        ModelKind model,
        List<Integer> widths,
        DatasetKind dataset,
        String dataPath,
        Integer imageSize,
        Integer syntheticSamples,
        Integer syntheticClasses,
        OptimizerKind optimizer,
        Double learningRate,
        Double momentum,
        Double l2,
        Double weightDecay,
        ScheduleKind schedule,
        Integer scheduleStepSize,
        Double scheduleFactor,
        Integer batchSize,
        Integer epochs,
        Long maxSteps,
        Long seed,
        Boolean capture,
        Integer snapshotInterval,
        Integer captureEvery,
        Integer sampleSize,
        String checkpointDir,
        Integer checkpointEvery,
        Integer progressSeconds) {

    /**
     * Aggregates every step, so the activation test sees every training sample (the paper's
     * "silent on every sample"). The spatial max reads every post-ReLU value (21 MB per step for
     * the small BasicNet at batch 64) and is taken inside the forward pass right after each ReLU;
     * measured within each run at a median of 2.0% of a step, at most 2.95%, on a 2-core CPU
     * (docs/benchmarks.md, "Trainer"). 2 halves that cost and the samples the aggregates cover
     * (samplesSeen says so).
     */
    public static final int DEFAULT_CAPTURE_EVERY = 1;

    public static RunConfig defaults() {
        return new RunConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null).resolved();
    }

    /** The same config with every omitted field set to its default. */
    public RunConfig resolved() {
        DatasetKind ds = or(dataset, DatasetKind.FASHION_MNIST);
        return new RunConfig(
                runId == null || runId.isBlank() ? "run-" + UUID.randomUUID().toString().substring(0, 8) : runId,
                or(model, ds == DatasetKind.IMAGE_FOLDER ? ModelKind.RESNET18
                        : ds == DatasetKind.FASHION_MNIST ? ModelKind.SMALL_BASIC_NET : ModelKind.BASIC_NET),
                widths,
                ds,
                dataPath,
                or(imageSize, ds == DatasetKind.IMAGE_FOLDER ? 224 : ds == DatasetKind.SYNTHETIC ? 28 : 32),
                or(syntheticSamples, 4096),
                or(syntheticClasses, 10),
                or(optimizer, OptimizerKind.ADAM),
                or(learningRate, 1e-3),
                or(momentum, 0.9),
                or(l2, 0.0),
                or(weightDecay, 0.0),
                or(schedule, ScheduleKind.CONSTANT),
                or(scheduleStepSize, 1000),
                or(scheduleFactor, 0.1),
                or(batchSize, 64),
                or(epochs, 1),
                maxSteps,
                or(seed, 42L),
                or(capture, true),
                or(snapshotInterval, 100),
                or(captureEvery, DEFAULT_CAPTURE_EVERY),
                or(sampleSize, 64),
                checkpointDir,
                or(checkpointEvery, 0),
                or(progressSeconds, 10));
    }

    /** Throws {@link IllegalArgumentException} listing every problem of a resolved config. */
    public RunConfig validate() {
        List<String> problems = new ArrayList<>();
        if (!runId.matches("[A-Za-z0-9._-]{1,100}")) {
            problems.add("runId must be 1-100 characters of [A-Za-z0-9._-] (it names Kafka keys and folders)");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            problems.add("learningRate must be > 0");
        }
        if (l2 < 0 || weightDecay < 0 || !Double.isFinite(l2) || !Double.isFinite(weightDecay)) {
            problems.add("l2 and weightDecay must be finite and >= 0");
        }
        if (optimizer == OptimizerKind.ADAMW && l2 > 0) {
            problems.add("adamw applies decoupled weight decay only; DJL's AdamW cannot add coupled L2 as well: "
                    + "use weightDecay with adamw, or l2 with adam");
        }
        if (optimizer != OptimizerKind.ADAMW && weightDecay > 0) {
            problems.add("decoupled weightDecay is only available with adamw in DJL (its " + optimizer.wireName()
                    + " adds weightDecays to the gradient, i.e. L2): use l2 with " + optimizer.wireName()
                    + ", or optimizer adamw");
        }
        if (momentum < 0 || momentum >= 1) {
            problems.add("momentum must be in [0, 1)");
        }
        if (batchSize < 1 || epochs < 1 || (maxSteps != null && maxSteps < 1)) {
            problems.add("batchSize, epochs and maxSteps must be >= 1");
        }
        if (snapshotInterval < 1 || captureEvery < 1 || sampleSize < 0) {
            problems.add("snapshotInterval and captureEvery must be >= 1, sampleSize >= 0");
        }
        if (scheduleStepSize < 1 || !(scheduleFactor > 0)) {
            problems.add("scheduleStepSize must be >= 1 and scheduleFactor > 0");
        }
        if (checkpointEvery < 0 || (checkpointEvery > 0 && (checkpointDir == null || checkpointDir.isBlank()))) {
            problems.add("checkpointEvery > 0 needs checkpointDir");
        }
        if (imageSize < 8 || syntheticSamples < 1 || syntheticClasses < 2) {
            problems.add("imageSize must be >= 8, syntheticSamples >= 1, syntheticClasses >= 2");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid run config: " + String.join("; ", problems));
        }
        return this;
    }

    private static <T> T or(T value, T fallback) {
        return Objects.requireNonNullElse(value, fallback);
    }
}
