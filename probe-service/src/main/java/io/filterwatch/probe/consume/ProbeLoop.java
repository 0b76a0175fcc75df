package io.filterwatch.probe.consume;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.KafkaConnectionWatch;

/**
 * One consumer-group member: polls batches of snapshots, runs each partition's records through
 * that partition's {@link SnapshotProcessor}, publishes, waits for the broker's acks, and only then
 * commits. State lives with the partition: on assignment the partition is replayed from its
 * beginning to rebuild it, and what a previous owner already published (offsets below the
 * committed one) is recomputed but not sent again. docs/metrics.md, "Restart and rebalance".
 *
 * <p>Plain Kafka clients rather than a reactive-messaging channel: the seek on assignment, the
 * per-partition suppression threshold and "commit only after every output was acked" need the
 * consumer itself.
 */
public final class ProbeLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ProbeLoop.class);

    /** Connection and identity of this member. */
    public record Connection(String bootstrapServers, String groupId, String clientId, int maxPollRecords,
                             Map<String, String> extraConsumer, Map<String, String> extraProducer) {
        public Connection(String bootstrapServers, String groupId, String clientId) {
            this(bootstrapServers, groupId, clientId, 200, Map.of(), Map.of());
        }
    }

    private final Connection connection;
    private final ProbeSettings settings;
    private final ProbeTopics topics;
    private final OutputRecords out;
    private final ProbeCounters counters;
    private final Map<TopicPartition, Owned> owned = new ConcurrentHashMap<>();
    private final AtomicReference<KafkaConsumer<String, byte[]>> consumerRef = new AtomicReference<>();
    private final Map<TopicPartition, OffsetAndMetadata> pendingCommits = new HashMap<>();
    private volatile boolean running = true;

    /** A partition this member owns: its processor and the offset from which outputs are new. */
    private static final class Owned {
        final SnapshotProcessor processor;
        final long resumeOffset;
        long committed;

        Owned(SnapshotProcessor processor, long resumeOffset) {
            this.processor = processor;
            this.resumeOffset = resumeOffset;
            this.committed = resumeOffset;
        }
    }

    public ProbeLoop(Connection connection, ProbeSettings settings, ProbeTopics topics, ProbeCounters counters) {
        this.connection = connection;
        this.settings = settings;
        this.topics = topics;
        this.out = new OutputRecords(topics);
        this.counters = counters;
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps())) {
            consumerRef.set(consumer);
            consumer.subscribe(List.of(topics.snapshots()), new Rebalance(consumer));
            KafkaConnectionWatch watch = new KafkaConnectionWatch("probe consumer " + connection.clientId());
            long nextWatch = 0;
            while (running) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(200));
                long now = System.currentTimeMillis();
                if (now >= nextWatch) {
                    nextWatch = now + 1000;
                    logOutage(watch, watch.observe(consumer.metrics(), now, true));
                }
                if (!pendingCommits.isEmpty()) {
                    commitPending(consumer, Set.copyOf(pendingCommits.keySet()));
                }
                if (!batch.isEmpty()) {
                    handle(consumer, producer, batch);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumerRef.set(null);
            owned.clear();
            pendingCommits.clear();
        }
    }

    private void handle(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer,
                        ConsumerRecords<String, byte[]> batch) {
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            Owned partition = owned.get(tp);
            if (partition == null) {
                continue; // revoked in the meantime; its new owner replays it
            }
            long next = -1;
            for (ConsumerRecord<String, byte[]> record : batch.records(tp)) {
                boolean publish = record.offset() >= partition.resumeOffset;
                List<ProducerRecord<String, byte[]>> outputs = partition.processor.process(record, publish);
                counters.records.increment();
                if (publish) {
                    for (ProducerRecord<String, byte[]> o : outputs) {
                        producer.send(o, (meta, error) -> {
                            if (error != null) {
                                sendFailure.compareAndSet(null, error);
                            }
                        });
                    }
                } else {
                    counters.replayed.increment();
                }
                next = record.offset() + 1;
            }
            if (next > partition.committed) {
                commits.put(tp, new OffsetAndMetadata(next));
                partition.committed = next;
            }
        }
        // at-least-once: nothing is committed before every output of the batch is on the broker
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("publishing failed; restarting without commit", sendFailure.get());
        }
        pendingCommits.putAll(commits);
        commitPending(consumer, pendingCommits.keySet());
    }

    /**
     * Commits what was published. A rebalance may be under way (another member joining): then the
     * commit waits and is retried, for revoked partitions inside onPartitionsRevoked (the last
     * moment this member may commit them), for the others after the next poll. Were it lost, the
     * next owner would re-publish identical records: at-least-once, never a gap.
     */
    private void commitPending(KafkaConsumer<String, byte[]> consumer, Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> now = new HashMap<>();
        for (TopicPartition tp : which) {
            OffsetAndMetadata o = pendingCommits.get(tp);
            if (o != null) {
                now.put(tp, o);
            }
        }
        if (now.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(now);
            now.keySet().forEach(pendingCommits::remove);
        } catch (RebalanceInProgressException e) {
            LOG.debugf("commit of %s deferred: rebalance in progress", now.keySet());
        } catch (CommitFailedException e) {
            // the partitions went to another member already; it replays and re-publishes identically
            LOG.warnf("commit of %s failed (%s); the new owner re-publishes from the last commit", now.keySet(),
                    e.getMessage());
            now.keySet().forEach(pendingCommits::remove);
        }
    }

    private static void logOutage(KafkaConnectionWatch watch, String line) {
        if (line == null) {
            return;
        }
        if (watch.connected()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
    }

    /** Stops the loop from any thread. */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> consumer = consumerRef.get();
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    /** Partitions owned right now (for status and tests). */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(owned.keySet());
    }

    /** (run, layer) states held by this member. */
    public int layers() {
        return owned.values().stream().mapToInt(o -> o.processor.layers()).sum();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;

        Rebalance(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long resume = c == null ? 0L : c.offset();
                owned.put(tp, new Owned(new SnapshotProcessor(settings, out, counters), resume));
                LOG.infof("assigned %s: replaying from the beginning, publishing from offset %d", tp, resume);
            }
            // the state is a function of the whole partition: rebuild it from the first record
            consumer.seekToBeginning(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // every batch was published and flushed before this poll: commit what is still pending
            commitPending(consumer, partitions);
            partitions.forEach(pendingCommits::remove);
            partitions.forEach(owned::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(pendingCommits::remove);
            partitions.forEach(owned::remove);
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, connection.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, connection.clientId() + "-consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(connection.maxPollRecords()));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // incremental rebalancing: a member joining moves some partitions, not all (each move replays)
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putAll(connection.extraConsumer());
        return p;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, connection.clientId() + "-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(connection.extraProducer());
        return p;
    }
}
