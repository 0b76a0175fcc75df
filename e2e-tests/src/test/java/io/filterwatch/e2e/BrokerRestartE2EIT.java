package io.filterwatch.e2e;

import static io.filterwatch.e2e.PipelineE2EIT.log;
import static io.filterwatch.e2e.PipelineE2EIT.secondsSince;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.filterwatch.console.InfluxQueries;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;
import io.filterwatch.testing.EmbeddedKafka;

/**
 * The Kafka broker goes away for 20 s in the middle of a training run and comes back on the same
 * port with its data, as a broker pod restart does. The packaged trainer, probe and aggregator run
 * through it. Checked afterwards: the trainer dropped nothing; every layer's snapshots are on the
 * topic in step order; every snapshot became exactly one layer_stats point in InfluxDB, the run's
 * last step included; nothing went to the dead-letter topic; and each service logged a handful of
 * warnings during the outage, not one per reconnect attempt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerRestartE2EIT {
    static final long STEPS = Long.getLong("fw.e2e.restart.steps", 3000);
    static final int INTERVAL = 50;
    static final int LAYERS = 5;
    static final Duration OUTAGE = Duration.ofSeconds(20);
    /** Warnings and errors a service may log from the outage's start to 15 s after its end. */
    static final int MAX_OUTAGE_LINES = 8;
    static final String RUN = "restart-" + Long.toHexString(System.nanoTime() & 0xffffff);

    PipelineStack stack;
    InfluxQueries influx;

    @Test
    void aBrokerRestartMidRunLosesNoSnapshotAndKeepsTheirOrder() throws Exception {
        stack = new PipelineStack(Path.of(System.getProperty("fw.e2e.out", "target/e2e")).resolve("restart"), "restart",
                List.of());
        influx = stack.influx;
        EmbeddedKafka kafka = stack.kafka;
        String bootstrap = stack.bootstrap();
        long t0 = System.nanoTime();
        ServiceProcess trainer = stack.trainer(RUN, List.of("-Xmx512m", "-Dfilterwatch.trainer.flush-timeout=180s",
                // the whole run fits the buffer: this test is about order and loss through the outage
                "-Dfilterwatch.trainer.publish-buffer=4096",
                "-Dfilterwatch.run.run-id=" + RUN, "-Dfilterwatch.run.dataset=synthetic",
                "-Dfilterwatch.run.synthetic-samples=512", "-Dfilterwatch.run.model=small_basic_net",
                "-Dfilterwatch.run.widths=4,4,8,8,8", "-Dfilterwatch.run.optimizer=adam",
                "-Dfilterwatch.run.learning-rate=1e-3", "-Dfilterwatch.run.batch-size=16",
                "-Dfilterwatch.run.max-steps=" + STEPS, "-Dfilterwatch.run.epochs=100000",
                "-Dfilterwatch.run.snapshot-interval=" + INTERVAL, "-Dfilterwatch.run.sample-size=8",
                "-Dfilterwatch.run.checkpoint-dir=" + stack.out.resolve("checkpoints"),
                "-Dfilterwatch.run.checkpoint-every=" + STEPS), "1");
        List<ServiceProcess> services = stack.services;

        // the outage starts once the pipeline is flowing: points of the run in InfluxDB
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (layerPoints() < 2 * LAYERS) {
            assertThat(trainer.process.isAlive()).as("trainer still running; log:\n" + trainer.tail()).isTrue();
            assertThat(System.nanoTime()).as("points in InfluxDB within 3 min").isLessThan(deadline);
            Thread.sleep(250);
        }
        Map<ServiceProcess, Long> logFrom = new HashMap<>();
        for (ServiceProcess s : services) {
            logFrom.put(s, Files.size(s.log));
        }
        log("broker down at %d s, %d layer points so far", secondsSince(t0), layerPoints());
        kafka.stopBroker();
        Thread.sleep(OUTAGE.toMillis());
        assertThat(trainer.process.isAlive()).as("the run outlasts the outage (raise fw.e2e.restart.steps)").isTrue();
        kafka.restartBroker();
        log("broker back at %d s", secondsSince(t0));
        Thread.sleep(15_000);
        Map<ServiceProcess, List<String>> outageLines = new HashMap<>();
        for (ServiceProcess s : services) {
            outageLines.put(s, warnings(s.log, logFrom.get(s)));
        }

        assertThat(trainer.process.waitFor(10, TimeUnit.MINUTES)).as("trainer finished; log:\n" + trainer.tail()).isTrue();
        assertThat(trainer.process.exitValue()).as("trainer exit code; log:\n" + trainer.tail()).isZero();
        long rounds = STEPS / INTERVAL;
        long expected = rounds * LAYERS;
        Matcher m = Pattern.compile("snapshots published (\\d+), dropped (\\d+)").matcher(Files.readString(trainer.log));
        assertThat(m.find()).as("the trainer's closing line; log:\n" + trainer.tail()).isTrue();
        assertThat(Long.parseLong(m.group(2))).as("snapshots dropped by the trainer").isZero();
        assertThat(Long.parseLong(m.group(1))).as("snapshots published").isEqualTo(expected);

        // on the topic: every snapshot once, each layer's in step order
        Map<String, List<Long>> steps = snapshotStepsByKey(bootstrap, expected);
        assertThat(steps).hasSize(LAYERS);
        for (Map.Entry<String, List<Long>> e : steps.entrySet()) {
            List<Long> s = e.getValue();
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.get(i)).as("%s: record %d after step %d", e.getKey(), i, s.get(i - 1)).isGreaterThan(s.get(i - 1));
            }
            assertThat(s).as(e.getKey()).hasSize((int) rounds);
        }

        // in InfluxDB: one layer_stats point per snapshot, the last step there, no dead letter
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (layerPoints() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        Thread.sleep(3000); // anything extra would land now
        assertThat(layerPoints()).as("layer_stats points of the run").isEqualTo(expected);
        assertThat(influx.query("SELECT " + Fields.DEAD.name() + " FROM " + InfluxSchema.LAYER_STATS.name()
                + " WHERE " + Tags.RUN.name() + " = " + InfluxQueries.literal(RUN) + " AND " + Fields.STEP.name() + " = " + STEPS))
                .as("the run's last step, every layer").hasSize(LAYERS);
        assertThat(recordsOn(bootstrap, Topics.SNAPSHOTS_DLQ)).as("dead letters").isZero();

        for (ServiceProcess s : services) {
            List<String> lines = outageLines.get(s);
            log("%s logged %d warnings or errors around the outage", s.name, lines.size());
            assertThat(lines).as(s.name + ": warnings and errors from the outage's start to 15 s after it")
                    .hasSizeLessThanOrEqualTo(MAX_OUTAGE_LINES);
        }
    }

    private long layerPoints() {
        List<InfluxQueries.Row> rows = influx.query("SELECT count(" + Fields.DEAD.name() + ") FROM " + InfluxSchema.LAYER_STATS.name()
                + " WHERE " + Tags.RUN.name() + " = " + InfluxQueries.literal(RUN));
        return rows.isEmpty() ? 0 : rows.get(0).lng("count");
    }

    /** WARN and ERROR lines of a service's log written since {@code from} (a byte offset). */
    private static List<String> warnings(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String since = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : since.split("\n")) {
            if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Map<String, List<Long>> snapshotStepsByKey(String bootstrap, long expected) {
        Map<String, List<Long>> steps = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(Topics.SNAPSHOTS, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!r.key().startsWith(RUN + "/")) {
                        continue;
                    }
                    LayerSnapshot s = SnapshotCodec.decode(r.value());
                    assertThat(seen.add(r.key() + "@" + s.context().step())).as("%s step %d once", r.key(),
                            s.context().step()).isTrue();
                    steps.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(s.context().step());
                }
            }
        }
        assertThat(seen).hasSize((int) expected);
        return steps;
    }

    private static long recordsOn(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return c.endOffsets(List.of(tp)).get(tp) - c.beginningOffsets(List.of(tp)).get(tp);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterAll
    void stopAll() {
        if (stack != null) {
            stack.close();
        }
    }
}
