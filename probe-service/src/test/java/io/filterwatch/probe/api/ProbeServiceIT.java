package io.filterwatch.probe.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The application as deployed: config, the loop on its thread, the real broker, the status endpoint. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ProbeServiceIT {

    @Test
    void snapshotsInLayerStatsOutAndStatusReportsThem() {
        String bootstrap = KafkaBrokerResource.shared().bootstrapServers();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 1; i <= 3; i++) {
                LayerSnapshot s = SnapshotBuilder.layer(2).run("svc").step(100L * i).build();
                producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, s.key(), SnapshotCodec.encode(s)));
            }
            // and one that cannot be decoded
            producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, "svc/conv1", new byte[] {1, 2, 3}));
            producer.flush();
        }
        List<LayerStat> stats = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> tps = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (tps.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.partitionsFor(Topics.LAYER_STATS).forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (stats.size() < 3 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> stats.add(JsonMessages.fromJson(r.value(), LayerStat.class)));
            }
        }
        assertThat(stats).extracting(LayerStat::step).containsExactly(100L, 200L, 300L);
        assertThat(stats).allSatisfy(s -> {
            assertThat(s.runId()).isEqualTo("svc");
            assertThat(s.filterCount()).isEqualTo(2);
            assertThat(s.alive()).isEqualTo(2);
            assertThat(s.wallClockMillis()).isEqualTo(1_700_000_000_000L + s.step() * 1000);
        });
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            int dlq = given().get("/probe/status").then().extract().path("deadLetters");
            if (dlq >= 1) {
                break;
            }
        }
        given().get("/probe/status").then().statusCode(200)
                .body("running", equalTo(true))
                .body("snapshots", greaterThanOrEqualTo(3))
                .body("deadLetters", equalTo(1))
                .body("partitions.size()", greaterThanOrEqualTo(1));
        given().get("/q/health/ready").then().statusCode(200);
        // the same totals as Micrometer counters
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("filterwatch_probe_dead_letters_total 1.0")
                .containsPattern("filterwatch_probe_layer_stats_total [3-9]")
                .contains("filterwatch_probe_placed_late_total 0.0");
    }
}
