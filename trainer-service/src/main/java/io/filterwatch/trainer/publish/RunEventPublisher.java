package io.filterwatch.trainer.publish;

import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Run life-cycle events as JSON on {@code filterwatch.runs}, keyed by run id, through the
 * {@link OrderedProducer}: in order per run (STARTED before FINISHED). Handed to a thread of their
 * own, because a send can wait up to {@code max.block.ms} for a broker that is away and the
 * training thread must never wait for Kafka; a failure is logged, never thrown into training.
 */
@ApplicationScoped
public class RunEventPublisher {

    private static final Logger LOG = Logger.getLogger(RunEventPublisher.class);
    @Inject
    OrderedProducer producer;

    @Inject
    KafkaLink link;

    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "run-event-publisher");
        t.setDaemon(true);
        return t;
    });
    private final Outstanding pending = new Outstanding();

    /** Never blocks; the stage completes when Kafka took the event or gave up on it. */
    public CompletionStage<Void> publish(RunEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] json;
        try {
            json = JsonMessages.toJson(event);
        } catch (UncheckedIOException e) {
            LOG.warnf("run event %s of %s not sent: %s", event.type(), event.runId(), e);
            done.complete(null);
            return done;
        }
        pending.add();
        done.whenComplete((ok, error) -> pending.done());
        try {
            sender.execute(() -> send(event, json, done));
        } catch (RejectedExecutionException e) {
            LOG.warnf("run event %s of %s not sent: shutting down", event.type(), event.runId());
            done.complete(null);
        }
        return done;
    }

    private void send(RunEvent event, byte[] json, CompletableFuture<Void> done) {
        try {
            producer.send(Topics.RUNS, event.runId(), json, event.wallClockMillis(), (meta, failure) -> {
                if (failure == null) {
                    link.acknowledged();
                } else {
                    link.failed(failure);
                    LOG.warnf("run event %s of %s not delivered: %s", event.type(), event.runId(), failure);
                }
                done.complete(null);
            });
        } catch (RuntimeException e) {
            LOG.warnf("run event %s of %s not sent: %s", event.type(), event.runId(), e);
            done.complete(null);
        }
    }

    /** Waits until every event published so far was delivered or given up, up to the timeout. */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        return pending.awaitNone(timeoutMillis);
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
