package io.filterwatch.trainer.train;

import org.jboss.logging.Logger;

/** Console progress of a long run: epoch, step, loss, accuracy, steps/s and ETA, every N seconds. */
final class ProgressLog {

    private static final Logger LOG = Logger.getLogger("io.filterwatch.trainer.progress");

    private final long intervalNanos;
    private long last = System.nanoTime();

    ProgressLog(int seconds) {
        this.intervalNanos = seconds * 1_000_000_000L;
    }

    void maybeLog(RunProgress p) {
        long now = System.nanoTime();
        if (intervalNanos <= 0 || now - last < intervalNanos) {
            return;
        }
        last = now;
        LOG.infof("%s epoch %d step %d/%d loss %.4f acc %.3f %.1f steps/s ETA %s", p.runId(), p.epoch(), p.step(),
                p.totalSteps(), p.lastLoss(), p.epochAccuracy(), p.stepsPerSecond(), eta(p.etaSeconds()));
    }

    static String eta(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
