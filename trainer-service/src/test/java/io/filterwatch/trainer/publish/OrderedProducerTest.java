package io.filterwatch.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The settings that keep a key's records in order cannot be configured away. */
class OrderedProducerTest {

    @Test
    void orderingSettingsAreForcedAndTheRestPassesThrough() {
        Map<String, Object> p = OrderedProducer.producerConfig(Map.of(
                "bootstrap.servers", "127.0.0.1:9092",
                "acks", "1",
                "enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "64",
                "compression.type", "zstd",
                "sasl.mechanism", "",
                "group.id", "trainer-service"));
        assertThat(p).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("max.in.flight.requests.per.connection", "5")
                .containsEntry("compression.type", "zstd")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .doesNotContainKeys("sasl.mechanism", "group.id");
        // a stricter bound stays
        assertThat(OrderedProducer.producerConfig(Map.of("max.in.flight.requests.per.connection", "1")))
                .containsEntry("max.in.flight.requests.per.connection", "1");
    }
}
