package io.filterwatch.trainer.publish;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the trainer has seen of Kafka: the last acknowledged and the last failed send of either
 * channel. Readiness uses it instead of an admin-client probe, which against a dead broker
 * blocks the health endpoint for as long as its timeout; this costs nothing and says what
 * matters: are our records getting through.
 */
@ApplicationScoped
public class KafkaLink {

    private volatile long lastAckMillis;
    private volatile long lastFailureMillis;
    private volatile String lastFailure;

    void acknowledged() {
        lastAckMillis = System.currentTimeMillis();
    }

    void failed(Object why) {
        lastFailureMillis = System.currentTimeMillis();
        lastFailure = String.valueOf(why);
    }

    /** Up until a send fails, and again as soon as one succeeds after it. */
    public boolean up() {
        return lastFailureMillis == 0 || lastAckMillis > lastFailureMillis;
    }

    public long lastAckMillis() {
        return lastAckMillis;
    }

    public String lastFailure() {
        return lastFailure;
    }
}
