package io.filterwatch.trainer.train;

import io.filterwatch.protocol.LayerSnapshot;
import java.util.List;

/**
 * What a training run reports while it runs. Implementations must return quickly and never
 * throw into the training thread: monitoring must not stop training.
 */
public interface RunObserver {

    default void started(RunProgress progress) {
    }

    /**
     * After every step.
     *
     * @param stepNanos    wall time of the whole step
     * @param captureNanos the part spent in capture (aggregates, and snapshot assembly on snapshot steps)
     */
    default void stepDone(RunProgress progress, long stepNanos, long captureNanos) {
    }

    default void snapshots(List<LayerSnapshot> snapshots) {
    }

    default void epochEnd(RunProgress progress, double meanLoss, double accuracy) {
    }

    RunObserver NONE = new RunObserver() {
    };
}
