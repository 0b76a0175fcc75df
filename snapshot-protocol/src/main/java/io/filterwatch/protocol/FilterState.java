package io.filterwatch.protocol;

/** Life-cycle state of one filter as the probe sees it; rules in {@code docs/metrics.md}. */
public enum FilterState {
    ALIVE, DYING, DEAD, REVIVED
}
