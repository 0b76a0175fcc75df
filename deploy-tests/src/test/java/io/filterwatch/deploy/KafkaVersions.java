package io.filterwatch.deploy;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Where the Kafka version of the cluster, the compose file and the dev broker is written. */
final class KafkaVersions {
    private KafkaVersions() {
    }

    /** spec.kafka.version of the Kafka in k8s/base/kafka/kafka.yaml. */
    static String cluster(Path root) {
        for (JsonNode d : RepoFiles.yamlDocuments(RepoFiles.read(root.resolve("k8s/base/kafka/kafka.yaml")))) {
            if ("Kafka".equals(d.path("kind").asText())) {
                return d.path("spec").path("kafka").path("version").asText();
            }
        }
        throw new IllegalStateException("no Kafka in k8s/base/kafka/kafka.yaml");
    }

    /** kafka.version of dev/kafka.pom.xml (the dev broker's jars). */
    static String devBroker(Path root) {
        Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(RepoFiles.read(root.resolve("dev/kafka.pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("no kafka.version in dev/kafka.pom.xml");
        }
        return m.group(1).strip();
    }
}
