package io.filterwatch.protocol;

import java.time.Duration;

/**
 * Exponential backoff, capped, without jitter: every user is one loop per instance (the aggregator's
 * InfluxDB writes and webhook deliveries, the probe's consumer-loop restarts), nothing to
 * de-synchronise. The one backoff of FilterWatch; Kafka clients keep their own reconnect backoff.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt; doubles every call up to the cap. */
    public long nextDelayMillis() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return d;
    }

    public void reset() {
        nextMillis = initialMillis;
    }
}
