package io.filterwatch.trainer.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.KafkaBrokerResource;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.train.RunManager;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A short run through REST against a real broker: exactly the expected snapshots, decodable. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class PublishesSnapshotsToKafkaIT {

    @Inject
    RunManager runs;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void shortRunPublishesOneSnapshotPerLayerPerIntervalAndRunEvents() throws Exception {
        String runId = "kafka-" + System.nanoTime();
        // Topics exist up front, as in production (auto-creation under load can outlast max.block.ms).
        for (String topic : List.of(Topics.SNAPSHOTS, Topics.RUNS)) {
            try {
                KafkaBrokerResource.shared().createTopic(topic, 3);
            } catch (RuntimeException alreadyThere) {
                // another test created it
            }
        }
        String body = """
                {"runId": "%s", "model": "small_basic_net", "widths": [4, 4, 8, 8, 8], "dataset": "synthetic",
                 "syntheticSamples": 512, "optimizer": "adam", "learningRate": 0.005, "l2": 0.001,
                 "batchSize": 16, "maxSteps": 22, "snapshotInterval": 5, "sampleSize": 8}
                """.formatted(runId);
        given().contentType(ContentType.JSON).body(body)
                .when().post("/runs")
                .then().statusCode(201).body("runId", equalTo(runId)).body("state", equalTo("RUNNING"));
        runs.awaitIdle(120, TimeUnit.SECONDS);
        given().when().get("/runs/" + runId)
                .then().statusCode(200).body("state", equalTo("FINISHED")).body("step", equalTo(22));

        // Steps 5, 10, 15, 20 and the final 22: five snapshots for each of the five layers.
        List<ConsumerRecord<String, byte[]>> records = KafkaRecords.read(bootstrap, Topics.SNAPSHOTS,
                r -> r.key().startsWith(runId + "/"), 25, Duration.ofSeconds(60));
        assertThat(records).hasSize(25);
        Map<String, List<Long>> stepsByKey = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            LayerSnapshot s = SnapshotCodec.decode(r.value());
            assertThat(r.key()).isEqualTo(s.key());
            assertThat(s.context().optimizer()).isEqualTo("adam");
            assertThat(s.gradients().hasSecondMoments()).isTrue();
            // The default captureEvery (1: every step of the window; with k the multiples of k, and
            // the snapshot step itself).
            long step = s.context().step();
            long from = s.activity().windowStartStep();
            assertThat(from).isEqualTo(step == 22 ? 21 : step - 4);
            long captured = java.util.stream.LongStream.rangeClosed(from, step)
                    .filter(t -> t % RunConfig.DEFAULT_CAPTURE_EVERY == 0 || t == step).count();
            long expectedSeen = captured * 16L;
            assertThat(s.activity().samplesSeen()).isEqualTo(expectedSeen);
            assertThat(s.sample().sampleCount()).isEqualTo(8);
            stepsByKey.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(s.context().step());
        }
        assertThat(stepsByKey.keySet()).containsExactly(runId + "/conv1", runId + "/conv2", runId + "/conv3",
                runId + "/conv4", runId + "/conv5");
        stepsByKey.values().forEach(steps -> assertThat(steps).containsExactly(5L, 10L, 15L, 20L, 22L));

        List<RunEvent.Type> events = KafkaRecords.read(bootstrap, Topics.RUNS, r -> runId.equals(r.key()), 3,
                        Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .map(json -> RunEvent.Type.valueOf(json.replaceAll(".*\"type\":\"([A-Z_]+)\".*", "$1")))
                .collect(Collectors.toList());
        assertThat(events).containsExactly(RunEvent.Type.STARTED, RunEvent.Type.EPOCH_END, RunEvent.Type.FINISHED);
    }

    @Test
    void deleteStopsARunningRun() throws Exception {
        String runId = "stop-" + System.nanoTime();
        given().contentType(ContentType.JSON)
                .body("{\"runId\": \"%s\", \"widths\": [4, 4, 8, 8, 8], \"dataset\": \"synthetic\", \"model\": \"small_basic_net\", \"batchSize\": 8, \"maxSteps\": 1000000}".formatted(runId))
                .when().post("/runs").then().statusCode(201);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (runs.status(runId).orElseThrow().step() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().contentType(ContentType.JSON).body("{}").when().post("/runs").then().statusCode(409);
        given().when().delete("/runs/" + runId).then().statusCode(202);
        runs.awaitIdle(60, TimeUnit.SECONDS);
        given().when().get("/runs/" + runId).then().statusCode(200).body("state", equalTo("STOPPED"));
    }

    @Test
    void rejectsConfigsDjlCannotExpress() {
        given().contentType(ContentType.JSON).body("{\"optimizer\": \"adamw\", \"l2\": 0.001}")
                .when().post("/runs")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"optimizer\": \"sgd\", \"weightDecay\": 0.001}")
                .when().post("/runs")
                .then().statusCode(400);
        given().when().get("/runs/no-such-run").then().statusCode(404);
        given().when().delete("/runs/no-such-run").then().statusCode(404);
    }
}
