package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.EmbeddedKafka;

/**
 * kafka-topics.txt is the one list of topic settings: its names are snapshot-protocol's Topics,
 * docker-compose's kafka-init and the dev broker create the topics from it (the k8s KafkaTopics are
 * checked against it in KustomizeOverlaysTest), and the cluster, compose and the dev broker run
 * one Kafka version.
 */
class TopicSettingsIT {
    final Path root = RepoFiles.root();

    @Test
    void theListNamesExactlyTheTopicsOfTheProtocolWithPartitionsCleanupAndRetention() throws Exception {
        Set<String> protocol = new TreeSet<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                protocol.add((String) f.get(null));
            }
        }
        List<KafkaTopicList.Topic> list = KafkaTopicList.read(root);
        assertThat(list.stream().map(KafkaTopicList.Topic::name).toList()).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(KafkaTopicList.byName(root).keySet())).isEqualTo(protocol);
        for (KafkaTopicList.Topic t : list) {
            assertThat(t.partitions()).as(t.name()).isPositive();
            assertThat(t.config()).as(t.name()).containsKeys("cleanup.policy", "retention.ms");
            assertThat(t.config().get("cleanup.policy")).as(t.name()).isIn("delete", "compact", "compact,delete");
            assertThat(Long.parseLong(t.config().get("retention.ms"))).as(t.name()).isPositive();
        }
        assertThat(KafkaTopicList.byName(root).get(Topics.SNAPSHOTS).partitions())
                .as("the probe scales by the snapshots' partitions").isGreaterThanOrEqualTo(3);
    }

    @Test
    void composeCreatesTheTopicsFromTheList() {
        JsonNode init = compose().path("services").path("kafka-init");
        assertThat(init.path("volumes").toString()).as("kafka-init mounts the list")
                .contains("./" + KafkaTopicList.FILE + ":/etc/filterwatch/" + KafkaTopicList.FILE);
        String command = init.path("command").toString();
        assertThat(command).contains("/etc/filterwatch/" + KafkaTopicList.FILE, "--partitions", "--config");
        for (String topic : KafkaTopicList.byName(root).keySet()) {
            assertThat(command).as("no topic spelt out in kafka-init, only in the list").doesNotContain(topic);
        }
    }

    @Test
    void theDevBrokerCreatesTheTopicsOfTheListWithTheirPartitionsAndConfig() throws Exception {
        String script = RepoFiles.read(root.resolve("dev/kafka"));
        assertThat(script).contains("kafka-topics.txt", "dev/KafkaTopics.java", "create_topics");
        Map<String, KafkaTopicList.Topic> list = KafkaTopicList.byName(root);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = List.of(javaBin.toString(), "-cp", cp, root.resolve("dev/KafkaTopics.java").toString(),
                    kafka.bootstrapServers(), root.resolve(KafkaTopicList.FILE).toString());
            for (int round = 0; round < 2; round++) { // created, then found as they are
                Tools.Result r = Tools.run(root, Map.of(), 240, cmd);
                assertThat(r.exitCode()).as(String.join(" ", cmd) + "\n" + r.stdout() + r.stderr()).isZero();
                assertThat(r.stdout()).contains(round == 0 ? "created" : "exists");
            }
            try (Admin admin = kafka.admin()) {
                Map<String, TopicDescription> d = admin.describeTopics(list.keySet()).allTopicNames().get(60, TimeUnit.SECONDS);
                Map<ConfigResource, Config> configs = admin.describeConfigs(list.keySet().stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(60, TimeUnit.SECONDS);
                for (KafkaTopicList.Topic t : list.values()) {
                    assertThat(d.get(t.name()).partitions()).as(t.name() + " partitions").hasSize(t.partitions());
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
                    Map<String, String> actual = new HashMap<>();
                    t.config().keySet().forEach(k -> actual.put(k, c.get(k).value()));
                    assertThat(actual).as(t.name() + " config").isEqualTo(t.config());
                }
            }
        }
    }

    @Test
    void theClusterComposeAndTheDevBrokerRunOneKafkaVersion() {
        String cluster = KafkaVersions.cluster(root);
        assertThat(cluster).isIn(KustomizeOverlaysTest.STRIMZI_KAFKA_VERSIONS);
        JsonNode services = compose().path("services");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + cluster);
        assertThat(services.path("kafka-init").path("image").asText()).isEqualTo("apache/kafka:" + cluster);
        assertThat(KafkaVersions.devBroker(root)).as("dev/kafka.pom.xml kafka.version").isEqualTo(cluster);
        String ops = RepoFiles.read(root.resolve("docs/operations.md"));
        assertThat(ops).as("docs/operations.md states the Kafka version").contains("Kafka " + cluster);
        assertThat(RepoFiles.read(root.resolve("README.md"))).as("README's dev/kafka line").contains("Kafka " + cluster);
    }

    JsonNode compose() {
        return RepoFiles.JSON.valueToTree(new org.yaml.snakeyaml.Yaml().load(RepoFiles.read(root.resolve("docker-compose.yml"))));
    }
}
