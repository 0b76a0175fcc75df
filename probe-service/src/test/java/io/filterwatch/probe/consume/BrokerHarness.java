package io.filterwatch.probe.consume;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.testing.EmbeddedKafka;
import io.filterwatch.testing.KafkaBrokerResource;

/** A real broker (shared per JVM), private topics per test, probe members on threads. */
final class BrokerHarness implements AutoCloseable {
    static final int PARTITIONS = 3;
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Client chatter off (strong reference: j.u.l. forgets levels of collected loggers). */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** One output record as the comparison sees it. */
    record Out(String topic, String key, long timestamp, String value) {
    }

    final EmbeddedKafka kafka = KafkaBrokerResource.shared();
    final String prefix;
    final ProbeTopics topics;
    final String group;
    final ProbeSettings settings;
    private final List<Member> members = new ArrayList<>();
    private final KafkaProducer<String, byte[]> producer;

    /** A running probe member. */
    final class Member {
        final ProbeLoop loop;
        final Thread thread;
        final ProbeCounters counters = new ProbeCounters();

        Member(String name) {
            loop = new ProbeLoop(new ProbeLoop.Connection(kafka.bootstrapServers(), group, prefix + name, 50,
                    Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500"),
                    Map.of()), settings, topics, counters);
            thread = new Thread(loop, "probe-" + prefix + name);
            thread.start();
        }

        void stop() throws InterruptedException {
            loop.stop();
            thread.join(30_000);
        }
    }

    BrokerHarness(String name, ProbeSettings settings) {
        this.prefix = name + IDS.incrementAndGet() + ".";
        this.topics = ProbeTopics.prefixed(prefix);
        this.group = prefix + "probe";
        this.settings = settings;
        kafka.createTopic(topics.snapshots(), PARTITIONS);
        kafka.createTopic(topics.dlq(), 1);
        kafka.createTopic(topics.filterStats(), PARTITIONS);
        kafka.createTopic(topics.layerStats(), PARTITIONS);
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    Member start(String name) {
        Member m = new Member(name);
        members.add(m);
        return m;
    }

    void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topics.snapshots(), key, value));
    }

    void flush() {
        producer.flush();
    }

    /**
     * Reads the output topics until {@code expected} records arrived and nothing more comes for
     * {@code quietMs}, or the timeout passes.
     */
    List<ConsumerRecord<String, byte[]>> read(List<String> outTopics, int expected, long quietMs, long timeoutMs) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : outTopics) {
                c.partitionsFor(t).forEach(i -> tps.add(new TopicPartition(t, i.partition())));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + timeoutMs;
            long lastNew = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                var batch = c.poll(Duration.ofMillis(100));
                batch.forEach(all::add);
                if (!batch.isEmpty()) {
                    lastNew = System.currentTimeMillis();
                }
                if (all.size() >= expected && System.currentTimeMillis() - lastNew >= quietMs) {
                    break;
                }
            }
        }
        return all;
    }

    List<String> outputTopics() {
        return List.of(topics.filterStats(), topics.layerStats());
    }

    /** The reference: the same records through an in-process processor, no broker. */
    Map<String, List<Out>> reference(List<Map.Entry<String, byte[]>> inputs) {
        SnapshotProcessor processor = new SnapshotProcessor(settings, new OutputRecords(topics), new ProbeCounters());
        Map<String, List<Out>> byKey = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, byte[]> in : inputs) {
            ConsumerRecord<String, byte[]> rec = new ConsumerRecord<>(topics.snapshots(), 0, offset++, 0L,
                    TimestampType.CREATE_TIME, 0, 0, in.getKey(), in.getValue(),
                    new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
            for (ProducerRecord<String, byte[]> o : processor.process(rec)) {
                if (o.topic().equals(topics.dlq())) {
                    continue;
                }
                byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(
                        new Out(o.topic(), o.key(), o.timestamp(), new String(o.value(), StandardCharsets.UTF_8)));
            }
        }
        return byKey;
    }

    static int count(Map<String, List<Out>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    /** Per key, in arrival order, with exact repeats (at-least-once re-sends) removed. */
    static Map<String, List<Out>> distinctByKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Set<Out>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            byKey.computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(
                    new Out(r.topic(), r.key(), r.timestamp(), new String(r.value(), StandardCharsets.UTF_8)));
        }
        Map<String, List<Out>> out = new LinkedHashMap<>();
        byKey.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }

    /** Output records per key split by topic, each in order (topics are not ordered among each other). */
    static Map<String, List<Out>> byKeyAndTopic(Map<String, List<Out>> byKey) {
        Map<String, List<Out>> out = new java.util.TreeMap<>();
        byKey.forEach((k, list) -> list.forEach(o -> out.computeIfAbsent(o.topic() + "|" + k, x -> new ArrayList<>()).add(o)));
        return out;
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    @Override
    public void close() throws Exception {
        for (Member m : members) {
            m.stop();
        }
        producer.close();
        Objects.requireNonNull(kafka);
    }
}
