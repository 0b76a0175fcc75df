package io.filterwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The fixture itself: loopback listeners, topic creation, Quarkus resource contract, clean stop. */
class EmbeddedKafkaIT {

    @Test
    void listensOnLoopbackCreatesTopicsAndCleansUp() throws Exception {
        Path dir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(2)) {
            dir = kafka.logDir();
            port = kafka.port();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(Loopback.isListening(port)).isTrue();
            assertThat(Loopback.isListening(kafka.controllerPort())).isTrue();
            for (int p : new int[] {port, kafka.controllerPort()}) {
                assertThat(Listeners.listenAddresses(p)).as("listeners on port " + p).isNotEmpty()
                        .allMatch(Listeners::isLoopback, "127.0.0.1 only");
            }

            kafka.createTopic("filterwatch.filter-stats", 4);
            kafka.createTopic("filterwatch.filter-stats", 4); // idempotent
            try (Admin admin = kafka.admin()) {
                TopicDescription d = admin.describeTopics(java.util.List.of("filterwatch.filter-stats"))
                        .allTopicNames().get(30, TimeUnit.SECONDS).get("filterwatch.filter-stats");
                assertThat(d.partitions()).hasSize(4);
                assertThat(admin.describeCluster().nodes().get().iterator().next().host()).isEqualTo("127.0.0.1");
            }
        }
        assertThat(Files.exists(dir)).isFalse();
        assertThat(Loopback.isListening(port)).isFalse();
    }

    @Test
    void aStoppedBrokerComesBackOnTheSamePortWithItsData() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1)) {
            kafka.createTopic("restart-test", 1);
            java.util.Map<String, Object> p = java.util.Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                    "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p)) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("restart-test", "k", "before")).get();
            }
            int port = kafka.port();
            kafka.stopBroker();
            assertThat(kafka.isBrokerUp()).isFalse();
            assertThat(Loopback.isListening(port)).isFalse();
            assertThat(Files.exists(kafka.logDir())).isTrue();

            kafka.restartBroker();
            assertThat(kafka.isBrokerUp()).isTrue();
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(Listeners.listenAddresses(port)).allMatch(Listeners::isLoopback, "127.0.0.1 only");
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p)) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("restart-test", "k", "after")).get();
            }
            java.util.Map<String, Object> c = java.util.Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "restart-test", "auto.offset.reset", "earliest",
                    "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
                    "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
            java.util.List<String> values = new java.util.ArrayList<>();
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(c)) {
                consumer.subscribe(java.util.List.of("restart-test"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertThat(values).containsExactly("before", "after");
        }
    }

    @Test
    void quarkusResourcesReturnTheirConfig() {
        KafkaBrokerResource kr = new KafkaBrokerResource();
        kr.init(Map.of());
        Map<String, String> kc = kr.start();
        assertThat(kc).containsOnlyKeys("kafka.bootstrap.servers");
        assertThat(kc.get("kafka.bootstrap.servers")).isEqualTo(KafkaBrokerResource.shared().bootstrapServers());
        kr.stop();
        // shared: still up for the next test class
        assertThat(KafkaBrokerResource.shared().isRunning()).isTrue();
        assertThat(new KafkaBrokerResource().start()).isEqualTo(kc);
        KafkaBrokerResource.stopShared();

        InfluxDbResource ir = new InfluxDbResource();
        ir.init(Map.of());
        Map<String, String> ic = ir.start();
        try {
            assertThat(ic).containsEntry("influxdb.database", "filterwatch");
            assertThat(ic.get("influxdb.url")).startsWith("http://127.0.0.1:");
            assertThat(InfluxDbResource.current().query("SHOW DATABASES")).contains("filterwatch");
        } finally {
            ir.stop();
        }
        assertThat(InfluxDbResource.current()).isNull();
    }
}
