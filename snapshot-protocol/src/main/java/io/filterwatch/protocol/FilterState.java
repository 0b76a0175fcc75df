package io.filterwatch.protocol;

/**
 * Life-cycle state of one filter as the probe sees it; rules in {@code docs/metrics.md}. DEAD is
 * the paper's (either test); SILENT is the early warning (no response over the trailing window,
 * not yet an epoch), never counted as dead.
 */
public enum FilterState {
    ALIVE, DYING, DEAD, REVIVED, SILENT
}
