package io.filterwatch.e2e;

import static io.filterwatch.e2e.PipelineE2EIT.log;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.filterwatch.load.FleetLoad;
import io.filterwatch.load.FleetReport;
import io.filterwatch.load.FleetSettings;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.EmbeddedKafka;

/**
 * Scale-out under load (issue #15): two packaged probe replicas in one consumer group consume two synthetic
 * ResNet-50 runs (53 layers at their real shapes, 2 workers each, a round every 5 s per run, in the middle of a
 * 90-epoch run); a third of the way in one replica is killed (SIGKILL: no commit, no leave-group, its
 * partitions move after the session timeout), two thirds in a third replica joins (partitions move again, each
 * move replays the partition from its start). Afterwards the same snapshots, copied partition by partition
 * into a second topic set ({@code ref.}), go through ONE packaged probe with the same settings. The digest over
 * every filter and layer record (per key and topic, in order, exact re-sends of at-least-once delivery removed)
 * must be equal, as must the count of distinct records; and no key may carry two different records for one
 * step (what a wrong replay or a lost suppression state would give).
 *
 * <p>Broker: test-fixtures' {@link EmbeddedKafka}, 6 partitions per topic. No aggregator or InfluxDB: the
 * outputs compared are the probe's records on Kafka, which is all the aggregator reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbeScaleOutE2EIT {
    static final int PARTITIONS = 6;
    static final int RUNS = 2;
    static final int WORKERS = 2;
    static final String REF = "ref.";
    static final Duration LOAD = Duration.ofSeconds(Long.getLong("fw.e2e.scaleout.seconds", 40));

    final Path root = Path.of(System.getProperty("filterwatch.repo.root", "..")).toAbsolutePath().normalize();
    final Path out = Path.of(System.getProperty("fw.e2e.out", "target/e2e")).resolve("scale-out").toAbsolutePath();
    final List<ServiceProcess> probes = new ArrayList<>();
    EmbeddedKafka kafka;

    @Test
    void twoReplicasWithOneKilledAndOneAddedGiveWhatOneProbeGives() throws Exception {
        kafka = EmbeddedKafka.start(1);
        for (String prefix : List.of("", REF)) {
            for (String t : List.of(Topics.SNAPSHOTS, Topics.FILTER_STATS, Topics.LAYER_STATS)) {
                kafka.createTopic(prefix + t, PARTITIONS);
            }
            kafka.createTopic(prefix + Topics.SNAPSHOTS_DLQ, 1);
        }
        kafka.createTopic(Topics.RUNS, 1);

        ServiceProcess a = probe("a", "scale-probe", null);
        ServiceProcess b = probe("b", "scale-probe", null);
        ServiceProcess ref = probe("ref", "ref-probe", REF); // starts now, reads its topic once it is filled
        for (ServiceProcess p : List.of(a, b, ref)) {
            p.awaitHttp(url(p) + "/q/health/ready", Duration.ofMinutes(3));
        }

        FleetSettings settings = FleetSettings.defaults()
                .withRuns(RUNS, WORKERS)
                .withPace(6, LOAD, 0)
                .withHistory(450_450, 150_000)
                // no aggregator here: InfluxDB is not asked (an address nothing listens on) and not waited for
                .withServices("scale", kafka.bootstrapServers(), "http://127.0.0.1:9", "scale-probe", "none")
                .withDrain(Duration.ZERO);
        CompletableFuture<FleetReport> load = CompletableFuture.supplyAsync(() -> {
            try {
                return new FleetLoad(settings, m -> { if (!m.startsWith("InfluxDB poll failed")) log("%s", m); }).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        sleepUntil(t0, LOAD.toMillis() / 3);
        log("killing probe a (SIGKILL) at %.0f s", (System.nanoTime() - t0) / 1e9);
        a.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        sleepUntil(t0, 2 * LOAD.toMillis() / 3);
        log("starting probe c at %.0f s", (System.nanoTime() - t0) / 1e9);
        ServiceProcess c = probe("c", "scale-probe", null);
        FleetReport report = load.get(5, TimeUnit.MINUTES);
        log("%s", report.generatorLine());
        assertThat(report.roundsPublished()).isGreaterThanOrEqualTo(RUNS * 5L);
        long inputs = report.records();

        try (Admin admin = kafka.admin()) {
            awaitLagZero(admin, "scale-probe", Topics.SNAPSHOTS, Duration.ofMinutes(4));
            copyPartitionByPartition(Topics.SNAPSHOTS, REF + Topics.SNAPSHOTS);
            awaitLagZero(admin, "ref-probe", REF + Topics.SNAPSHOTS, Duration.ofMinutes(4));
        }
        assertThat(c.process.isAlive()).isTrue();

        Outputs scaled = read(Topics.FILTER_STATS, Topics.LAYER_STATS);
        Outputs single = read(REF + Topics.FILTER_STATS, REF + Topics.LAYER_STATS);
        log("scale-out: %d snapshots in; 3 replicas (a killed, c added): %d output records, %d distinct, digest %s; "
                        + "one probe: %d records, %d distinct, digest %s", inputs, scaled.raw, scaled.distinct(), scaled.digest(),
                single.raw, single.distinct(), single.digest());
        assertThat(single.raw).as("one probe, no rebalance: no record twice").isEqualTo(single.distinct());
        assertThat(single.layerRecords).as("layer records: one per layer and round")
                .isEqualTo(report.roundsPublished() * 53);
        assertThat(scaled.conflicts()).as("keys with two different records for one step").isEmpty();
        assertThat(scaled.distinct()).isEqualTo(single.distinct());
        assertThat(scaled.digest()).isEqualTo(single.digest());
        assertThat(dlqRecords(Topics.SNAPSHOTS_DLQ) + dlqRecords(REF + Topics.SNAPSHOTS_DLQ)).as("dead letters").isZero();
    }

    private ServiceProcess probe(String name, String group, String topicPrefix) throws Exception {
        int port = PipelineE2EIT.freePort();
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(), "-Dprobe.group-id=" + group,
                "-Dprobe.expected-workers=" + WORKERS,
                // a refresh every 3 rounds: suppression and refreshes both cross the rebalances
                "-Dprobe.output.refresh-every=3",
                // a killed member's partitions move after this, not after the default 45 s
                "-Dkafka.session.timeout.ms=6000", "-Dkafka.heartbeat.interval.ms=1000"));
        if (topicPrefix != null) {
            jvm.add("-Dprobe.topic-prefix=" + topicPrefix);
        }
        ServiceProcess p = ServiceProcess.start("probe " + name, root.resolve("probe-service/target/quarkus-app/quarkus-run.jar"),
                jvm, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), out.resolve("probe-" + name + ".log"));
        probes.add(p);
        ports.put(p, port);
        return p;
    }

    private final Map<ServiceProcess, Integer> ports = new HashMap<>();

    private String url(ServiceProcess p) {
        return "http://127.0.0.1:" + ports.get(p);
    }

    private static void sleepUntil(long t0, long millis) throws InterruptedException {
        long left = millis - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private void awaitLagZero(Admin admin, String group, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag = -1;
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            lag = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            if (lag == 0) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(group + " still lags by " + lag + " records on " + topic + " after " + timeout);
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        return p;
    }

    /** Every record of {@code from}, to the same partition of {@code to}, in offset order. */
    private void copyPartitionByPartition(String from, String to) {
        Map<String, Object> pp = new HashMap<>();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        long copied = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp)) {
            for (int part = 0; part < PARTITIONS; part++) {
                TopicPartition tp = new TopicPartition(from, part);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                while (c.position(tp) < end) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        p.send(new ProducerRecord<>(to, part, r.timestamp(), r.key(), r.value()));
                        copied++;
                    }
                }
            }
            p.flush();
        }
        log("copied %d snapshots to %s", copied, to);
    }

    private long dlqRecords(String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** The output records of one probe set: per topic and key, distinct records in order of first arrival. */
    static final class Outputs {
        final Map<String, Set<String>> byKey = new TreeMap<>();
        long raw;
        long layerRecords;

        long distinct() {
            return byKey.values().stream().mapToLong(Set::size).sum();
        }

        String digest() throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var e : byKey.entrySet()) {
                // the topic without its prefix: both sets must say the same
                sha.update(e.getKey().replaceFirst("^" + java.util.regex.Pattern.quote(REF), "")
                        .getBytes(StandardCharsets.UTF_8));
                for (String v : e.getValue()) {
                    sha.update(v.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        /** Keys (topic|key|step) with more than one distinct record: must be none. */
        List<String> conflicts() {
            List<String> bad = new ArrayList<>();
            for (var e : byKey.entrySet()) {
                Map<String, Integer> perStep = new HashMap<>();
                for (String v : e.getValue()) {
                    String id = stepOf(v);
                    if (perStep.merge(id, 1, Integer::sum) == 2) {
                        bad.add(e.getKey() + " " + id);
                    }
                }
            }
            return bad;
        }

        private static String stepOf(String v) {
            // "timestamp|json": the step and, for filter records, the filter identify one output
            var m = java.util.regex.Pattern.compile("\"(step|filter)\":(\\d+)").matcher(v);
            StringBuilder id = new StringBuilder();
            while (m.find()) {
                id.append(' ').append(m.group(1)).append('=').append(m.group(2));
            }
            return id.toString();
        }
    }

    private Outputs read(String filterTopic, String layerTopic) {
        Outputs o = new Outputs();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(filterTopic, layerTopic)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    tps.add(new TopicPartition(t, p));
                }
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    o.raw++;
                    String topic = r.topic().startsWith(REF) ? r.topic().substring(REF.length()) : r.topic();
                    Set<String> values = o.byKey.computeIfAbsent(topic + "|" + r.key(), k -> new LinkedHashSet<>());
                    if (values.add(r.timestamp() + "|" + new String(r.value(), StandardCharsets.UTF_8))
                            && topic.equals(Topics.LAYER_STATS)) {
                        o.layerRecords++;
                    }
                }
            }
        }
        return o;
    }

    @AfterAll
    void stop() {
        for (int i = probes.size() - 1; i >= 0; i--) {
            probes.get(i).close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
