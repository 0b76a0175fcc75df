package io.filterwatch.aggregator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.aggregator.pipeline.RecordDecoder;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.InfluxDbResource;
import io.filterwatch.testing.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The whole application (Quarkus, real broker, real InfluxDB): REST, OpenAPI, health and metrics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(InfluxDbResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunResourceIT {
    private static final String RUN = "api-run";
    private static boolean sent;
    /**
     * As a trainer publishes it with STARTED: conv1 (3x3, padding 1, 1 -> 32 channels, 28 x 28, ReLU) feeds conv2
     * (1x1, no padding, 32 -> 64, 28 x 28, ReLU), which feeds the 10-class head.
     */
    private static final RunTopology TOPOLOGY = new RunTopology(RunTopology.VERSION, "two-conv", List.of(
            new RunTopology.Layer("conv1", 0, RunTopology.INPUT, 32, 1, 3, 1, 1, 28, 28, true),
            new RunTopology.Layer("conv2", 1, "conv1", 64, 32, 1, 1, 0, 28, 28, true)),
            List.of(), new RunTopology.Head("conv2", 10));

    @BeforeEach
    void sendOnce() throws Exception {
        if (sent) {
            return;
        }
        var json = RecordDecoder.mapper();
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaBrokerResource.shared().bootstrapServers());
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        RunEvent started = TestData.event(RUN, RunEvent.Type.STARTED, 0, null, null);
        records.add(new ProducerRecord<>(Topics.RUNS, RUN, json.writeValueAsString(new RunEvent(started.runId(), started.type(),
                started.step(), started.epoch(), started.wallClockMillis(), null, null, started.message(), started.config(),
                TOPOLOGY))));
        for (long step = 100; step <= 300; step += 100) {
            // conv1: 4 of 32 dead (2 by activation + the tiny-gamma ones below), conv2: none
            LayerStat conv1 = TestData.layer(RUN, "conv1", 0, step, 32, step == 300 ? 4 : 2);
            LayerStat conv2 = TestData.layer(RUN, "conv2", 1, step, 64, 0);
            records.add(new ProducerRecord<>(Topics.LAYER_STATS, RUN + "/conv1", json.writeValueAsString(conv1)));
            records.add(new ProducerRecord<>(Topics.LAYER_STATS, RUN + "/conv2", json.writeValueAsString(conv2)));
        }
        Object[] filters = {
            TestData.filter(RUN, "conv1", 0, 0, 300, FilterState.DEAD, true, 0.004, -0.3),
            TestData.filter(RUN, "conv1", 0, 1, 300, FilterState.DEAD, true, 0.002, -0.1),
            TestData.filter(RUN, "conv1", 0, 2, 300, FilterState.DEAD, false, 2e-4, -0.05),  // tiny gamma, beta <= 0: output 0
            TestData.filter(RUN, "conv1", 0, 3, 300, FilterState.DEAD, false, -5e-4, 0.25),  // tiny gamma, beta > 0: fold 0.25
            TestData.filter(RUN, "conv1", 0, 4, 300, FilterState.ALIVE, false, 0.9, 0.1),
            TestData.filter(RUN, "conv2", 1, 0, 300, FilterState.ALIVE, false, 1.1, 0.0),
        };
        for (Object f : filters) {
            records.add(new ProducerRecord<>(Topics.FILTER_STATS, RUN + "/x", json.writeValueAsString(f)));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
        sent = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var r = given().get("/runs/" + RUN);
            if (r.statusCode() == 200 && r.jsonPath().getInt("layerCount") == 2 && r.jsonPath().getLong("lastStep") == 300
                    && given().get("/runs/" + RUN + "/layers/conv1/filters").jsonPath().getList("$").size() == 5) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run never appeared in the API");
    }

    @Test
    void listsRunsAndSummarisesOne() {
        given().get("/runs").then().statusCode(200).body("runId", org.hamcrest.Matchers.hasItem(RUN));
        given().get("/runs/" + RUN).then().statusCode(200)
                .body("filters", is(96))
                .body("dead", is(4))
                .body("deadByActivation", is(4))
                .body("deadFraction", equalTo((float) (4.0 / 96)))
                .body("layers", hasSize(2))
                .body("layers[0].layer", is("conv1"))
                .body("layers[0].dead", is(4))
                .body("layers[0].alive", is(28))
                .body("status", is("RUNNING"));
        given().get("/runs/nope").then().statusCode(404);
    }

    @Test
    void servesFiltersAndAlerts() {
        given().get("/runs/" + RUN + "/layers/conv1/filters").then().statusCode(200)
                .body("$", hasSize(5)).body("[3].beta", equalTo(0.25f)).body("[0].state", is("DEAD"));
        given().get("/runs/" + RUN + "/alerts").then().statusCode(200);
    }

    /**
     * conv1 #0, #1 dead by activation and #2 (tiny gamma, beta -0.05: ReLU gives 0) are removed as they are;
     * #3 (tiny gamma, beta 0.25) emits 0.25 into conv2, a 1x1 conv without padding: folded into conv2's BN
     * running mean, exact, so it goes too. By hand: conv1 loses 4 filters of 9 x 1 weights + gamma and beta:
     * 4 x 9 + 8 = 44 parameters, 9 x 784 x 4 = 28,224 MACs; conv2 loses 4 input channels of its 64 1x1 filters:
     * 256 parameters, 784 x 256 = 200,704 MACs. Total 300 and 228,928.
     */
    @Test
    void pruningPlanUsesTheTopologyOfTheStartedEvent() {
        given().get("/runs/" + RUN + "/pruning-plan").then().statusCode(200)
                .body("topologyVersion", is(1))
                .body("layers[0].removable", equalTo(List.of(0, 1, 2, 3)))
                .body("layers[0].folds", hasSize(1))
                .body("layers[0].folds[0].filter", is(3))
                .body("layers[0].folds[0].into[0].layer", is("conv2"))
                .body("layers[0].folds[0].into[0].parameter", is("bn.runningMean"))
                .body("layers[0].folds[0].into[0].constant", equalTo(0.25f))
                .body("layers[0].paramsSaved", is(44))
                .body("layers[0].flopsSaved", is(28224))
                .body("layers[1].removable", hasSize(0))
                .body("layers[1].paramsSaved", is(256))
                .body("layers[1].flopsSaved", is(200704))
                .body("paramsSaved", is(300))
                .body("flopsSaved", is(228928))
                .body("removableFilters", is(4));
    }

    @Test
    void healthMetricsAndOpenApi() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("filterwatch_aggregator_points_written_total"))
                .body(containsString("filterwatch_aggregator_consumer_lag"))
                .body(containsString("filterwatch_aggregator_write_latency_seconds"))
                .body(containsString("filterwatch_aggregator_write_retries_total"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/runs/{id}/pruning-plan"));
    }

    /** Last: readiness follows InfluxDB down and back up; the API keeps answering from memory meanwhile. */
    @Test
    @Order(100)
    void readinessFollowsInfluxDb() throws Exception {
        var influx = InfluxDbResource.current();
        influx.stopServer();
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'influxdb' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'kafka' }.status", is("UP"));
            given().get("/q/health/live").then().statusCode(200);
            given().get("/runs/" + RUN).then().statusCode(200).body("dead", is(4));
        } finally {
            influx.restartServer();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready again after InfluxDB came back");
            }
            Thread.sleep(200);
        }
    }
}
