package io.filterwatch.aggregator.pipeline;

import static io.filterwatch.aggregator.pipeline.Harness.await;
import static io.filterwatch.aggregator.pipeline.Harness.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.aggregator.alert.WebhookSettings;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.EmbeddedKafka;
import io.filterwatch.testing.KafkaBrokerResource;
import io.filterwatch.testing.LocalInfluxDb;

/**
 * The aggregator core against a real broker (in-process KRaft Kafka 4.1) and a real InfluxDB
 * (Debian's influxd 1.6 as a child process). Each test uses its own database, consumer group and
 * run ids; the topics are shared, so every assertion filters by run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String[] LAYERS = {"conv1", "conv2", "conv3"};
    private static final int[] FILTERS = {32, 64, 128};

    EmbeddedKafka kafka;
    LocalInfluxDb influx;
    KafkaProducer<String, String> producer;

    @BeforeAll
    void start() {
        kafka = KafkaBrokerResource.shared();
        for (String t : List.of(Topics.LAYER_STATS, Topics.FILTER_STATS, Topics.RUNS, Topics.ALERTS)) {
            kafka.createTopic(t, 3);
        }
        influx = LocalInfluxDb.start();
        producer = Harness.producer(kafka.bootstrapServers());
    }

    @AfterAll
    void stop() {
        producer.close();
        influx.stop();
    }

    /** 3 layers x steps, 4 filter records per layer and step, STARTED and EPOCH_END events, optionally a probe NaN alert. */
    static List<Object> dataset(String run, int fromStep, int toStep, boolean events) {
        List<Object> out = new ArrayList<>();
        if (events && fromStep <= 100) {
            out.add(TestData.event(run, RunEvent.Type.STARTED, 0, null, null));
        }
        for (int step = fromStep; step <= toStep; step += 100) {
            for (int l = 0; l < LAYERS.length; l++) {
                int dead = l * (step / 100);
                out.add(TestData.layer(run, LAYERS[l], l, step, FILTERS[l], dead));
                for (int f = 0; f < 4; f++) {
                    boolean isDead = f < l;
                    out.add(TestData.filter(run, LAYERS[l], l, f, step, isDead ? FilterState.DEAD : FilterState.ALIVE, isDead,
                            isDead ? 1e-4 : 0.8, isDead ? -0.1 : 0.05));
                }
            }
        }
        if (events) {
            out.add(TestData.event(run, RunEvent.Type.EPOCH_END, toStep, 0.42, 0.87));
        }
        return out;
    }

    private long count(String db, String measurement, String field, String run) {
        return scalar(influx, db, "SELECT count(" + field + ") FROM " + measurement + " WHERE run='" + run + "'");
    }

    private Map<String, Long> counts(String db, String run) {
        return Map.of("layer_stats", count(db, "layer_stats", "dead", run),
                "filter_stats", count(db, "filter_stats", "state_code", run),
                "run_stats", count(db, "run_stats", "dead", run),
                "run_events", count(db, "run_events", "step", run),
                "alerts", count(db, "alerts", "firing", run));
    }

    @Test
    void writesExactlyTheExpectedPointsAndAReplayAddsNone() {
        String db = "fw_exact", run = "exact-run";
        List<Object> data = dataset(run, 100, 500, true);
        data.add(TestData.probeAlert(run, "conv2", 250, Alert.Status.FIRING));
        Harness.send(producer, data);
        try (Harness h = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-exact", 50, WebhookSettings.none()).start()) {
            Map<String, Long> expected = Map.of("layer_stats", 15L, "filter_stats", 60L, "run_stats", 5L, "run_events", 2L,
                    // the probe's numeric-health alert, the aggregator's own non-finite alert it triggers, and
                    // layer-dead-fraction on conv2 (4 of 64 = 6.25% at step 400) and conv3 (8 of 128 at step 400)
                    "alerts", 4L);
            await("all points", WAIT, () -> counts(db, run).equals(expected));

            // Values, checked by query: a layer summary, the run aggregate (sum over layers), a filter, an event, the alerts.
            JsonNode conv2 = Harness.rows(influx, db,
                    "SELECT dead, dead_fraction, filter_count, optimizer FROM layer_stats WHERE run='" + run + "' AND layer='conv2' AND step=300");
            assertThat(conv2.path("values").path(0).path(1).asLong()).isEqualTo(3);
            assertThat(conv2.path("values").path(0).path(2).asDouble()).isEqualTo(3.0 / 64);
            assertThat(conv2.path("values").path(0).path(4).asText()).isEqualTo("adam");
            assertThat(conv2.path("values").path(0).path(0).asText()).isEqualTo("2025-10-09T08:58:20Z");
            assertThat(scalar(influx, db, "SELECT dead FROM run_stats WHERE run='" + run + "' AND step=500")).isEqualTo(0 + 5 + 10);
            assertThat(scalar(influx, db, "SELECT filters FROM run_stats WHERE run='" + run + "' AND step=500")).isEqualTo(224);
            assertThat(scalar(influx, db, "SELECT layers FROM run_stats WHERE run='" + run + "' AND step=500")).isEqualTo(3);
            assertThat(scalar(influx, db, "SELECT count(state_code) FROM filter_stats WHERE run='" + run
                    + "' AND layer='conv3' AND state='DEAD'")).isEqualTo(2 * 5);
            assertThat(scalar(influx, db, "SELECT count(firing) FROM alerts WHERE run='" + run + "' AND rule='non-finite' AND layer='conv2'"))
                    .isEqualTo(1);
            JsonNode event = Harness.rows(influx, db, "SELECT loss, accuracy FROM run_events WHERE run='" + run + "' AND type='EPOCH_END'");
            assertThat(event.path("values").path(0).path(1).asDouble()).isEqualTo(0.42);

            // A replay of every record (a producer retrying, a probe re-processing) overwrites, adds nothing.
            double written = h.counter("filterwatch.aggregator.points.written");
            Harness.send(producer, data);
            await("replay written", WAIT, () -> h.counter("filterwatch.aggregator.points.written") >= written + 15 + 60 + 2 + 1);
            assertThat(counts(db, run)).isEqualTo(expected);
        }
    }

    @Test
    void influxDbDownFor30SecondsMidStreamThenEveryPointExactlyOnce() throws Exception {
        String db = "fw_outage", run = "outage-run";
        try (Harness h = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-outage", 100, WebhookSettings.none()).start()) {
            Harness.send(producer, dataset(run, 100, 1000, false));
            await("first half", WAIT, () -> count(db, "layer_stats", "dead", run) == 30);

            influx.stopServer();
            long outageStart = System.nanoTime();
            Harness.send(producer, dataset(run, 1100, 2000, false));
            await("the pipeline holding its batch", WAIT, h.pipeline::isHoldingBatch);
            long left = 30_000 - (System.nanoTime() - outageStart) / 1_000_000;
            Thread.sleep(Math.max(0, left));
            assertThat(h.pipeline.isHoldingBatch()).isTrue();
            assertThat(h.counter("filterwatch.aggregator.write.retries")).isGreaterThan(3);
            influx.restartServer();

            await("second half", WAIT, () -> count(db, "layer_stats", "dead", run) == 60);
            await("caught up", WAIT, () -> !h.pipeline.isHoldingBatch() && h.pipeline.lag() == 0);
            // layer-dead-fraction on conv2 and conv3 at step 400; run-dead-fraction: 3 x step / 100 of 224 filters
            // reaches 20% at step 1500, held 1500-1700: fires at 1700. Each once, through the outage.
            assertThat(counts(db, run)).isEqualTo(Map.of("layer_stats", 60L, "filter_stats", 240L, "run_stats", 20L,
                    "run_events", 0L, "alerts", 3L));
            // exactly once per step: one point per layer and step, none missing, none twice
            JsonNode perLayer = Harness.rows(influx, db, "SELECT count(dead) FROM layer_stats WHERE run='" + run + "' GROUP BY layer");
            assertThat(perLayer.path("values").path(0).path(1).asLong()).isEqualTo(20);
        }
    }

    @Test
    void aggregatorKilledMidStreamAndRestartedMissesNoPointAndRaisesNoAlertTwice() {
        String db = "fw_restart", run = "restart-run";
        long expectedFilters = 40L * 3 * 4;
        String runAlert = "SELECT count(firing) FROM alerts WHERE run='" + run + "' AND rule='run-dead-fraction'";
        // Steps 100..3000 first: the run passes 30 % dead at step 2300, so the first instance raises the run alert.
        List<Object> first = new ArrayList<>(List.of(TestData.event(run, RunEvent.Type.STARTED, 0, null, null)));
        first.addAll(dataset(run, 100, 3000, false));
        Harness.send(producer, first);
        Harness one = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-restart", 5, WebhookSettings.none()).start();
        await("the run alert from the first instance", WAIT, () -> scalar(influx, db, runAlert) == 1);
        // Stop without a final commit: whatever was polled and not yet acknowledged is abandoned, as in a crash.
        one.close();
        long atKill = count(db, "filter_stats", "state_code", run);
        // The stream goes on while the aggregator is down.
        Harness.send(producer, dataset(run, 3100, 4000, true));
        try (Harness two = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-restart", 5, WebhookSettings.none()).start()) {
            await("every point", WAIT, () -> count(db, "filter_stats", "state_code", run) == expectedFilters
                    && count(db, "layer_stats", "dead", run) == 120 && count(db, "run_stats", "dead", run) == 40
                    && count(db, "run_events", "step", run) == 2);
            assertThat(atKill).isLessThan(expectedFilters);
            // The rebuilt alert state knows the episode is open: no second FIRING (it would be a second point, at a later step).
            assertThat(scalar(influx, db, runAlert)).isEqualTo(1);
            assertThat(two.registry.find(run).get().alerts()).extracting(Alert::rule).containsOnlyOnce("run-dead-fraction");
            // The rebuilt state equals that of an uninterrupted run.
            assertThat(two.registry.find(run).get().layers()).hasSize(3);
            assertThat(two.registry.find(run).get().latestStats().step()).isEqualTo(4000);
        }
    }

    @Test
    void collapseAlertsOnceEverywhereSteadyNeverAndWebhooksReceiveIt() throws Exception {
        String db = "fw_alerts";
        List<String> alertmanager = new CopyOnWriteArrayList<>();
        List<String> slack = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/alerts", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes());
            // the first delivery fails: the notifier must retry
            int status = calls.getAndIncrement() == 0 ? 503 : 200;
            if (status == 200) {
                alertmanager.add(body);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.createContext("/slack", ex -> {
            slack.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        WebhookSettings hooks = new WebhookSettings(Optional.of(URI.create(base + "/api/v2/alerts")),
                Optional.of(URI.create(base + "/slack")), 5, Duration.ofMillis(100), Duration.ofSeconds(1), 100,
                Duration.ofSeconds(2), Duration.ofHours(1));
        List<Object> data = new ArrayList<>();
        // conv3: 4 of 32 dead (12.5%) at steps 300-500, then revived: the level rule fires at 300 and
        // resolves at 1300 (clear from 600, but an episode lasts at least 10 evaluations)
        int[] dead = {0, 0, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < dead.length; i++) {
            long step = 100L * (i + 1);
            data.add(TestData.layer("collapse-run", "conv3", 0, step, 32, dead[i]));
            data.add(TestData.layer("collapse-run", "conv4", 1, step, 96, 0));
            data.add(TestData.layer("steady-run", "conv3", 0, step, 32, i % 2));
            data.add(TestData.layer("steady-run", "conv4", 1, step, 96, 2));
        }
        try (Harness h = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-alerts", 10, hooks).start()) {
            Harness.send(producer, data);
            String rise = "SELECT count(firing) FROM alerts WHERE run='collapse-run' AND rule='layer-dead-fraction'";
            await("rise fired and resolved", WAIT, () -> scalar(influx, db, rise) == 2);
            await("caught up", WAIT, () -> h.pipeline.lag() == 0 && count(db, "layer_stats", "dead", "steady-run") == 32);
            assertThat(scalar(influx, db, rise + " AND status='FIRING'")).isEqualTo(1);
            assertThat(scalar(influx, db, rise + " AND status='RESOLVED'")).isEqualTo(1);
            assertThat(count(db, "alerts", "firing", "steady-run")).isZero();

            // On the topic: exactly one FIRING and one RESOLVED for the collapse, nothing for the steady run.
            List<Alert> onTopic = readAlerts().stream().filter(a -> a.runId().equals("collapse-run") || a.runId().equals("steady-run"))
                    .filter(a -> a.rule().equals("layer-dead-fraction")).toList();
            // (another aggregator on the shared test broker, e.g. the Quarkus test's, may publish the same
            // transitions: at-least-once with deterministic ids, so compare distinct (id, status))
            assertThat(onTopic).extracting(Alert::runId).containsOnly("collapse-run");
            assertThat(onTopic.stream().map(a -> a.id() + "/" + a.status()).distinct().toList())
                    .containsExactly(onTopic.get(0).id() + "/FIRING", onTopic.get(0).id() + "/RESOLVED");

            // Webhooks: Alertmanager v2 array (after one retry) and the {"text"} payload.
            // (the harness reads every run on the shared broker: pick this test's run)
            await("webhooks", WAIT, () -> alertmanager.stream().anyMatch(b -> b.contains("layer-dead-fraction") && b.contains("endsAt")
                    && b.contains("collapse-run")) && slack.stream().anyMatch(b -> b.contains("collapse-run")));
            JsonNode am = Harness.JSON.readTree(alertmanager.stream()
                    .filter(b -> b.contains("layer-dead-fraction") && b.contains("collapse-run")).findFirst().orElseThrow());
            assertThat(am.isArray()).isTrue();
            assertThat(am.path(0).path("labels").path("alertname").asText()).isEqualTo("layer-dead-fraction");
            assertThat(am.path(0).path("labels").path("run").asText()).isEqualTo("collapse-run");
            assertThat(am.path(0).path("annotations").path("summary").asText()).contains("conv3");
            assertThat(Harness.JSON.readTree(slack.get(0)).path("text").asText()).contains("FIRING");
            assertThat(h.counter("filterwatch.aggregator.webhook.retries")).isGreaterThanOrEqualTo(1);
            assertThat(slack).noneMatch(b -> b.contains("steady-run"));
        } finally {
            server.stop(0);
        }
    }

    /**
     * run-silent through the real consumer loop: the clock ticks only once the consumer is caught up,
     * the alert goes to InfluxDB and the topic with no offset to commit, and data resuming resolves it.
     */
    @Test
    void aRunThatGoesQuietRaisesRunSilentAndResolvesWhenDataResumes() {
        String db = "fw_silent";
        String run = "quiet-run-" + System.nanoTime();
        AlertSettings alerts = AlertSettings.withOverrides(Map.of(
                "aggregator.alerts.run-silent.intervals", "3",
                "aggregator.alerts.run-silent.min-silence", "2s",
                "aggregator.alerts.run-silent.check-interval", "200ms"));
        long now = System.currentTimeMillis();
        List<Object> data = new ArrayList<>();
        data.add(atWall(TestData.event(run, RunEvent.Type.STARTED, 0, null, null), now - 8000, RunEvent.class));
        // one summary a second up to a second ago: the run's pace is 1 s, silent after max(3 x 1 s, 2 s)
        for (int i = 0; i < 6; i++) {
            data.add(atWall(TestData.layer(run, "conv1", 0, 100L * (i + 1), 32, 0), now - 6000 + 1000L * i, LayerStat.class));
        }
        String silent = "SELECT count(firing) FROM alerts WHERE run='" + run + "' AND rule='run-silent'";
        try (Harness h = new Harness(kafka.bootstrapServers(), influx.url(), db, "it-silent", 100, WebhookSettings.none(), alerts)
                .start()) {
            Harness.send(producer, data);
            await("run-silent fired", WAIT, () -> scalar(influx, db, silent + " AND status='FIRING'") == 1);
            assertThat(scalar(influx, db, "SELECT last(step) FROM alerts WHERE run='" + run + "' AND rule='run-silent'"))
                    .as("the step the run went quiet after").isEqualTo(600);
            assertThat(scalar(influx, db, silent + " AND status='RESOLVED'")).isZero();
            Harness.send(producer, List.of(atWall(TestData.layer(run, "conv1", 0, 700, 32, 0), System.currentTimeMillis(), LayerStat.class)));
            await("run-silent resolved by new data", WAIT, () -> scalar(influx, db, silent + " AND status='RESOLVED'") == 1);
            assertThat(scalar(influx, db, silent + " AND status='FIRING'")).as("one episode").isEqualTo(1);
        }
    }

    /** The record with another wall clock (the test's records carry a fixed past time). */
    private static <T> T atWall(T record, long wallClockMillis, Class<T> type) {
        com.fasterxml.jackson.databind.node.ObjectNode node = Harness.JSON.valueToTree(record);
        node.put("wallClockMillis", wallClockMillis);
        try {
            return Harness.JSON.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Alert> readAlerts() throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "it-read-alerts-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        List<Alert> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.ALERTS));
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
                    out.add(Harness.JSON.readValue(r.value(), Alert.class));
                }
            }
        }
        return out;
    }
}
