package io.filterwatch.trainer.train;

/** How a run ended. */
public record RunResult(String runId, Status status, long step, int epoch, double lastLoss, double lastAccuracy,
                        String message) {

    public enum Status { FINISHED, STOPPED, FAILED }
}
