package io.filterwatch.trainer.train;

/** Where a run stands; immutable, published to REST and the console. */
public record RunProgress(String runId, long step, long totalSteps, int epoch, double lastLoss,
                          double epochAccuracy, double stepsPerSecond) {

    public double etaSeconds() {
        return stepsPerSecond > 0 ? (totalSteps - step) / stepsPerSecond : Double.NaN;
    }
}
