package io.filterwatch.protocol;

import java.util.Objects;

/**
 * The run-level part of a snapshot.
 *
 * @param runId           stable id of the training run (survives restarts from a checkpoint)
 * @param workerRank      data-parallel worker that captured the snapshot (0 for single-process runs)
 * @param step            global optimizer step at which the snapshot was taken
 * @param epoch           epoch of that step, from 0
 * @param wallClockMillis the step's wall-clock time, epoch millis; downstream timestamps derive from it
 * @param optimizer       optimizer name, e.g. {@code sgd}, {@code adam}, {@code adamw}
 * @param learningRate    learning rate in force at this step
 * @param l2              L2 coefficient lambda added to the gradient (coupled); 0 when off
 * @param weightDecay     decoupled weight decay coefficient; 0 when off
 * @param batchSize       per-worker mini-batch size
 */
public record TrainingContext(
        String runId,
        int workerRank,
        long step,
        int epoch,
        long wallClockMillis,
        String optimizer,
        double learningRate,
        double l2,
        double weightDecay,
        int batchSize) {

    public TrainingContext {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(optimizer, "optimizer");
    }
}
