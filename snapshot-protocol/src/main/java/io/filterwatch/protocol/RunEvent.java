package io.filterwatch.protocol;

import java.util.Map;

/** Life-cycle events of a training run, trainer to aggregator (JSON on {@link Topics#RUNS}). */
public record RunEvent(
        String runId,
        Type type,
        long step,
        int epoch,
        long wallClockMillis,
        Double loss,
        Double accuracy,
        String message,
        Map<String, String> config) {

    public enum Type { STARTED, EPOCH_END, FINISHED, FAILED, STOPPED }
}
