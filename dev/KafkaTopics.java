// Creates FilterWatch's topics on a Kafka broker as kafka-topics.txt lists them (partitions and
// config), the one list that k8s/base/kafka/topics.yaml and docker-compose.yml follow too.
// Not part of the Maven build: dev/kafka runs it as a single-file program on Kafka's own
// classpath, in one JVM for every topic:
//
//   java -cp "$(dev/kafka classpath)" dev/KafkaTopics.java 127.0.0.1:9092 kafka-topics.txt
//
// A missing topic is created (replication factor 1: the dev broker is one node); an existing one
// gets its partitions raised to the listed count (never lowered: Kafka cannot) and the listed
// config set. Prints one line per topic; exits 1 when something failed.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

public class KafkaTopics {
    record Topic(String name, int partitions, Map<String, String> config) {
    }

    static List<Topic> read(Path file) throws Exception {
        List<Topic> out = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            Map<String, String> config = new LinkedHashMap<>();
            for (int i = 2; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(file + ": not key=value: " + f[i]);
                }
                config.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
            out.add(new Topic(f[0], Integer.parseInt(f[1]), config));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaTopics <bootstrap servers> <kafka-topics.txt>");
            System.exit(2);
        }
        List<Topic> topics = read(Path.of(args[1]));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        boolean failed = false;
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            for (Topic t : topics) {
                try {
                    String what;
                    if (!existing.contains(t.name())) {
                        admin.createTopics(List.of(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.config())))
                                .all().get(60, TimeUnit.SECONDS);
                        what = "created";
                    } else {
                        TopicDescription d = admin.describeTopics(List.of(t.name())).allTopicNames().get(60, TimeUnit.SECONDS).get(t.name());
                        int have = d.partitions().size();
                        if (have < t.partitions()) {
                            admin.createPartitions(Map.of(t.name(), NewPartitions.increaseTo(t.partitions()))).all().get(60, TimeUnit.SECONDS);
                            what = "partitions " + have + " -> " + t.partitions();
                        } else if (have > t.partitions()) {
                            what = "has " + have + " partitions, more than the listed " + t.partitions() + " (kept; `dev/kafka reset` recreates)";
                        } else {
                            what = "exists";
                        }
                        List<AlterConfigOp> ops = new ArrayList<>();
                        t.config().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, t.name()), ops))
                                .all().get(60, TimeUnit.SECONDS);
                    }
                    System.out.println(t.name() + " " + t.partitions() + " " + t.config() + ": " + what);
                } catch (Exception e) {
                    failed = true;
                    System.out.println(t.name() + ": FAILED " + e);
                }
            }
        }
        System.exit(failed ? 1 : 0);
    }
}
