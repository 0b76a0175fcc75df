package io.filterwatch.aggregator.pipeline;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.filterwatch.aggregator.alert.AlertPublisher;
import io.filterwatch.aggregator.alert.WebhookNotifier;
import io.filterwatch.protocol.Backoff;
import io.filterwatch.aggregator.sink.InfluxSink;
import io.filterwatch.protocol.KafkaConnectionWatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The consumer loop: poll a batch, process it, write its points to InfluxDB, publish its alerts,
 * and only then commit its offsets (at-least-once; deterministic timestamps turn a re-write into an
 * overwrite, so "at least once" lands as "exactly once" in InfluxDB).
 *
 * <p>A plain {@link KafkaConsumer} rather than a reactive-messaging channel because the outage
 * behaviour needs three things at once: hold one batch (and nothing else: bounded memory) while
 * InfluxDB is down, keep calling {@code poll()} with the partitions paused so the group does not
 * evict us, and retry with backoff, then commit exactly the offsets that were written.
 *
 * <p>State (run registry, run aggregates, alert episodes) is rebuilt at every assignment by
 * re-reading the assigned partitions from the beginning up to the committed offsets without writing
 * anything: the alerts and the API after a restart are those of an uninterrupted run. The rebuild
 * needs every partition of every input topic in one instance, so the aggregator runs as one replica
 * (a second instance in the group only takes over after the first left).
 */
public final class AggregatorPipeline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AggregatorPipeline.class);

    private final PipelineSettings settings;
    private final InfluxSink sink;
    private final StreamProcessor processor;
    private final AlertPublisher publisher;
    private final WebhookNotifier webhooks;
    private final RecordDecoder decoder;
    private final Backoff backoff;
    private final KafkaConnectionWatch kafkaWatch = new KafkaConnectionWatch("aggregator consumer");
    private long nextKafkaWatch;
    /** When the held batch's first write failed (InfluxDB down), for the line that says it is back. */
    private long writeFailingSince;
    private final Map<TopicPartition, Long> replayUntil = new HashMap<>();
    private final AtomicLong lag = new AtomicLong();
    private final Counter consumed;
    private final Counter invalid;
    private final Counter retries;
    private final Counter dropped;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean replaying;
    private volatile KafkaConsumer<String, String> consumer;
    // Written by the consumer thread only; volatile so health checks and tests see it.
    private volatile Batch pending;
    private long nextAttemptNanos;
    private long lastLagNanos;
    private long nextTickNanos = System.nanoTime();

    public AggregatorPipeline(PipelineSettings settings, InfluxSink sink, StreamProcessor processor, AlertPublisher publisher,
                              WebhookNotifier webhooks, RecordDecoder decoder, MeterRegistry registry) {
        this.settings = settings;
        this.sink = sink;
        this.processor = processor;
        this.publisher = publisher;
        this.webhooks = webhooks;
        this.decoder = decoder;
        this.backoff = new Backoff(sink.settings().initialBackoff(), sink.settings().maxBackoff());
        this.consumed = Counter.builder("filterwatch.aggregator.records.consumed").register(registry);
        this.invalid = Counter.builder("filterwatch.aggregator.records.invalid")
                .description("Records that could not be decoded, skipped").register(registry);
        this.retries = Counter.builder("filterwatch.aggregator.write.retries")
                .description("Failed InfluxDB/Kafka acknowledgements of a batch, retried").register(registry);
        this.dropped = Counter.builder("filterwatch.aggregator.points.dropped")
                .description("Points InfluxDB rejected permanently (bad data), skipped").register(registry);
        Gauge.builder("filterwatch.aggregator.consumer.lag", lag, AtomicLong::get)
                .description("Records behind the end of the input partitions").register(registry);
        this.thread = new Thread(this::run, "filterwatch-aggregator-consumer");
    }

    public void start() {
        running = true;
        thread.start();
    }

    /**
     * Stops without committing anything more: whatever was polled but not yet acknowledged is
     * abandoned, exactly as after a crash, and re-read by the next instance.
     */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread.isAlive() && !stopped.await(15, TimeUnit.SECONDS)) {
                LOG.warn("Consumer thread did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Has partitions, has finished rebuilding its state, and is not holding a failed batch. */
    public boolean isCaughtUp() {
        return assigned && !replaying && pending == null;
    }

    public boolean isHoldingBatch() {
        return pending != null;
    }

    public long lag() {
        return lag.get();
    }

    private void run() {
        Properties p = new Properties();
        p.putAll(settings.kafka());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxPollRecords()));
        // Eager assignment: every rebalance hands over the full set, which the state rebuild relies on.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            c.subscribe(settings.topics(), new Rebalance(c));
            sink.ensureDatabase();
            while (running) {
                loopOnce(c);
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Unexpected wakeup", e);
            }
        } catch (RuntimeException e) {
            LOG.error("Aggregator consumer stopped", e);
        } finally {
            running = false;
            stopped.countDown();
        }
    }

    private void loopOnce(KafkaConsumer<String, String> c) {
        Duration timeout = settings.pollTimeout();
        if (pending != null) {
            long wait = TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - System.nanoTime());
            timeout = Duration.ofMillis(Math.max(0, Math.min(wait, 100)));
        }
        // While a batch is held the partitions are paused: this poll fetches nothing but keeps us in the group.
        ConsumerRecords<String, String> records = c.poll(timeout);
        updateLag(c);
        watchKafka(c);
        if (!records.isEmpty()) {
            Batch batch = toBatch(records);
            if (pending != null) {
                pending.absorb(batch);
            } else if (!batch.isEmpty()) {
                pending = batch;
                nextAttemptNanos = System.nanoTime();
            }
        }
        tick();
        if (pending != null && System.nanoTime() - nextAttemptNanos >= 0) {
            flush(c);
        }
    }

    /**
     * The alert clock (run-silent, run-lost), every {@code aggregator.alerts.run-silent.check-interval}, and only
     * when the state is complete: no partition replaying and nothing left to read, so a run whose
     * records are merely unread (a restart, a backlog) is never taken for a silent one.
     */
    private void tick() {
        long now = System.nanoTime();
        if (!assigned || replaying || lag.get() > 0 || now - nextTickNanos < 0) {
            return;
        }
        nextTickNanos = now + processor.tickInterval().toNanos();
        Batch batch = new Batch();
        processor.tick(System.currentTimeMillis(), batch);
        if (batch.alerts.isEmpty()) {
            return;
        }
        if (pending != null) {
            pending.absorb(batch);
        } else {
            pending = batch;
            nextAttemptNanos = System.nanoTime();
        }
    }

    private Batch toBatch(ConsumerRecords<String, String> records) {
        Batch batch = new Batch();
        for (ConsumerRecord<String, String> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            boolean live = r.offset() >= replayUntil.getOrDefault(tp, 0L);
            consumed.increment();
            try {
                processor.process(decoder.decode(r.topic(), r.value()), live, batch);
            } catch (java.io.IOException | RuntimeException e) {
                invalid.increment();
                LOG.warnf("Skipping undecodable record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
            if (live) {
                batch.offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        return batch;
    }

    private void flush(KafkaConsumer<String, String> c) {
        Batch b = pending;
        try {
            try {
                sink.write(b.allPoints());
            } catch (RuntimeException e) {
                if (InfluxSink.isPermanent(e)) {
                    // Retrying bad data would block the stream forever; skip it, loudly.
                    dropped.increment(b.allPoints().size());
                    LOG.errorf("InfluxDB rejected a batch of %d points permanently, skipping it: %s", b.allPoints().size(), e.getMessage());
                } else {
                    if (InfluxSink.isDatabaseMissing(e)) {
                        sink.ensureDatabase();
                    }
                    throw e;
                }
            }
            publisher.publish(b.alerts);
            if (!b.offsets.isEmpty()) {
                c.commitSync(b.offsets);
            }
        } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
            // The group moved on: the partitions' new owner (possibly us, after the rebuild) re-reads them.
            LOG.warn("Offsets could not be committed after a rebalance; the batch will be re-read");
            pending = null;
            return;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            retries.increment();
            long delay = backoff.nextDelayMillis();
            if (!c.paused().containsAll(c.assignment())) {
                c.pause(c.assignment());
                writeFailingSince = System.currentTimeMillis();
                LOG.warnf("Write of %d points failed, pausing consumption and retrying with backoff (up to %d s): %s",
                        b.allPoints().size(), sink.settings().maxBackoff().toSeconds(), e.toString());
            } else {
                LOG.debugf("Retry failed (%s), next in %d ms", e.getMessage(), delay);
            }
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            return;
        }
        pending = null;
        backoff.reset();
        if (!c.paused().isEmpty()) {
            LOG.infof("Batch acknowledged after %d s of failed attempts, resuming consumption",
                    Math.round((System.currentTimeMillis() - writeFailingSince) / 1000.0));
            c.resume(c.paused());
        }
        webhooks.enqueue(b.alerts);
    }

    /** One line when the consumer lost every broker connection, one when it is back (KafkaConnectionWatch). */
    private void watchKafka(KafkaConsumer<String, String> c) {
        long now = System.currentTimeMillis();
        if (now < nextKafkaWatch) {
            return;
        }
        nextKafkaWatch = now + 1000;
        String line = kafkaWatch.observe(c.metrics(), now, true);
        if (line != null && kafkaWatch.connected()) {
            LOG.info(line);
        } else if (line != null) {
            LOG.warn(line);
        }
    }

    private void updateLag(KafkaConsumer<String, String> c) {
        long now = System.nanoTime();
        // currentLag() may trigger a ListOffsets request per partition: once a second is plenty for a gauge.
        if (now - lastLagNanos > TimeUnit.SECONDS.toNanos(1) || pending == null && lag.get() > 0) {
            lastLagNanos = now;
            long sum = 0;
            for (TopicPartition tp : c.assignment()) {
                sum += c.currentLag(tp).orElse(0);
            }
            lag.set(sum);
        }
        boolean behind = false;
        if (replaying) {
            for (TopicPartition tp : c.assignment()) {
                behind |= c.position(tp) < replayUntil.getOrDefault(tp, 0L);
            }
        }
        if (replaying && !behind) {
            replaying = false;
            LOG.info("State rebuilt, processing live records");
        }
    }

    /** Rebuilds the state from the beginning of every assigned partition; anything unacknowledged is re-read. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> c;

        Rebalance(KafkaConsumer<String, String> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            pending = null;
            assigned = false;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            processor.reset();
            replayUntil.clear();
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata o = committed.get(tp);
                replayUntil.put(tp, o == null ? 0L : o.offset());
            }
            c.seekToBeginning(partitions);
            c.resume(partitions);
            replaying = replayUntil.values().stream().anyMatch(o -> o > 0);
            assigned = true;
            LOG.infof("Assigned %d partitions, rebuilding state from %d committed records",
                    partitions.size(), replayUntil.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
