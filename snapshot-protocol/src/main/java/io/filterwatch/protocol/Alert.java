package io.filterwatch.protocol;

import java.util.Map;

/**
 * A collapse alert (JSON on {@link Topics#ALERTS}). One FIRING record starts an episode, one
 * RESOLVED record ends it; {@code id} is the same for both and deterministic.
 */
public record Alert(
        String id,
        String runId,
        String rule,
        Severity severity,
        Status status,
        String layer,
        long step,
        long wallClockMillis,
        String summary,
        String description,
        Map<String, String> labels) {

    public enum Severity { INFO, WARNING, CRITICAL }

    public enum Status { FIRING, RESOLVED }
}
