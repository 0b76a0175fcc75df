package io.filterwatch.protocol;

import java.util.Map;

/**
 * Life-cycle events of a training run, trainer to aggregator (JSON on {@link Topics#RUNS}).
 *
 * @param topology the network's graph for the pruning plan, on the STARTED event only (null elsewhere, and
 *                 from trainers that predate it); docs/protocol.md, "Run topology"
 */
public record RunEvent(
        String runId,
        Type type,
        long step,
        int epoch,
        long wallClockMillis,
        Double loss,
        Double accuracy,
        String message,
        Map<String, String> config,
        RunTopology topology) {

    public enum Type { STARTED, EPOCH_END, FINISHED, FAILED, STOPPED }

    /** An event without topology (every type but STARTED). */
    public RunEvent(String runId, Type type, long step, int epoch, long wallClockMillis, Double loss, Double accuracy,
                    String message, Map<String, String> config) {
        this(runId, type, step, epoch, wallClockMillis, loss, accuracy, message, config, null);
    }
}
