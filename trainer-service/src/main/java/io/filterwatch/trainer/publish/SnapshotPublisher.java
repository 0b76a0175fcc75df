package io.filterwatch.trainer.publish;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.trainer.config.TrainerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publishes layer snapshots to {@value Topics#SNAPSHOTS} without ever holding up training.
 * The training thread only appends to a bounded drop-oldest buffer; a daemon thread encodes and
 * hands records, oldest first, to the {@link OrderedProducer}, with at most {@code max-in-flight}
 * unacknowledged. When Kafka is slow or down, acknowledgements stop, the buffer fills and the
 * oldest snapshots are dropped (counted, logged at most every 10 s); a record that Kafka fails to
 * deliver within {@code delivery.timeout.ms} is counted as dropped too, and never sent again.
 * Publishing resumes by itself when the broker is back, and what reaches the topic is in the
 * order it was captured, per layer (docs/trainer.md, "Delivery").
 */
@ApplicationScoped
public class SnapshotPublisher {

    private static final Logger LOG = Logger.getLogger(SnapshotPublisher.class);

    @Inject
    OrderedProducer producer;

    @Inject
    TrainerSettings settings;

    @Inject
    MeterRegistry registry;

    @Inject
    KafkaLink link;

    private DropOldestBuffer<LayerSnapshot> buffer;
    private Semaphore inFlight;
    private Thread drainer;
    private volatile boolean running;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Outstanding pending = new Outstanding();
    private volatile long lastDropLog;
    private volatile String lastError;
    private Counter publishedCounter;
    private Counter droppedCounter;

    void onStart(@Observes StartupEvent event) {
        buffer = new DropOldestBuffer<>(settings.publishBuffer());
        inFlight = new Semaphore(settings.maxInFlight());
        publishedCounter = Counter.builder("filterwatch.trainer.snapshots.published")
                .description("Layer snapshots acknowledged by Kafka").register(registry);
        droppedCounter = Counter.builder("filterwatch.trainer.snapshots.dropped")
                .description("Layer snapshots dropped: buffer full or Kafka delivery failed").register(registry);
        registry.gauge("filterwatch.trainer.snapshots.buffered", this, p -> p.buffer.size());
        running = true;
        drainer = new Thread(this::drain, "snapshot-publisher");
        drainer.setDaemon(true);
        drainer.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (drainer != null) {
            drainer.interrupt();
        }
    }

    /** Called by the training thread; never blocks, never throws. */
    public void offer(List<LayerSnapshot> snapshots) {
        for (LayerSnapshot s : snapshots) {
            offered.incrementAndGet();
            pending.add();
            LayerSnapshot old = buffer.offer(s);
            if (old != null) {
                pending.done();
                drop("buffer full (" + settings.publishBuffer() + " snapshots): dropped the oldest, "
                        + old.key() + " step " + old.context().step());
            }
        }
    }

    private void drain() {
        while (running) {
            try {
                if (!inFlight.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                LayerSnapshot s = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (s == null) {
                    inFlight.release();
                    continue;
                }
                send(s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("snapshot publisher: unexpected error, continuing", e);
            }
        }
    }

    private void send(LayerSnapshot s) {
        byte[] value;
        try {
            value = SnapshotCodec.encode(s);
        } catch (RuntimeException e) {
            inFlight.release();
            pending.done();
            failed.incrementAndGet();
            lastError = "encode " + s.key() + ": " + e;
            drop("cannot encode " + s.key() + " step " + s.context().step() + ": " + e);
            return;
        }
        try {
            producer.send(Topics.SNAPSHOTS, s.key(), value, s.context().wallClockMillis(), (meta, failure) -> {
                inFlight.release();
                pending.done();
                if (failure == null) {
                    published.incrementAndGet();
                    publishedCounter.increment();
                    link.acknowledged();
                } else {
                    failed.incrementAndGet();
                    lastError = String.valueOf(failure);
                    link.failed(failure);
                    drop("Kafka did not take " + s.key() + " step " + s.context().step() + ": " + failure);
                }
            });
        } catch (RuntimeException e) {
            // refused before it was queued (the client is closed, a serialisation error): drop, keep going
            inFlight.release();
            pending.done();
            failed.incrementAndGet();
            lastError = String.valueOf(e);
            link.failed(e);
            drop("Kafka client refused " + s.key() + ": " + e.getMessage());
        }
    }

    private void drop(String why) {
        dropped.incrementAndGet();
        if (droppedCounter != null) {
            droppedCounter.increment();
        }
        long now = System.currentTimeMillis();
        if (now - lastDropLog > 10_000) {
            lastDropLog = now;
            LOG.warnf("snapshot dropped (%d so far): %s", dropped.get(), why);
        }
    }

    /** Waits until everything offered so far was acknowledged or dropped, up to the timeout. */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        return pending.awaitNone(timeoutMillis);
    }

    public PublishStats stats() {
        return new PublishStats(offered.get(), published.get(), dropped.get(), failed.get(), buffer.size(),
                lastError);
    }

    /** Counters since start. {@code dropped} includes {@code failed} (delivery or encoding failures). */
    public record PublishStats(long offered, long published, long dropped, long failed, int buffered,
                               String lastError) {
    }
}
