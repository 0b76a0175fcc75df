package io.filterwatch.trainer.train;

import io.filterwatch.trainer.config.RunConfig;

/** A run as {@code GET /runs/{id}} shows it. */
public record RunStatus(String runId, State state, long step, long totalSteps, int epoch, Double loss,
                        Double accuracy, double stepsPerSecond, Double etaSeconds, long snapshotsPublished,
                        long snapshotsDropped, String message, RunConfig config) {

    public enum State { RUNNING, FINISHED, STOPPED, FAILED }

    public boolean active() {
        return state == State.RUNNING;
    }
}
