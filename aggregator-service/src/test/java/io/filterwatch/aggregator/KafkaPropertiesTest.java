package io.filterwatch.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class KafkaPropertiesTest {

    @Test
    void securitySettingsReachTheClientsButQuarkusDefaultGroupDoesNot() {
        Properties p = AggregatorService.kafkaProperties(Map.of(
                "bootstrap.servers", "kafka:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "",
                "group.id", "aggregator-service"));

        assertThat(p).containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .doesNotContainKey("sasl.jaas.config")
                .doesNotContainKey("group.id");
    }

    @Test
    void defaultsToTheLocalBroker() {
        assertThat(AggregatorService.kafkaProperties(Map.of())).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }
}
