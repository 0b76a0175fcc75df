package io.filterwatch.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kafka-topics.txt, the one list of FilterWatch's topic settings: "topic partitions key=value ...". */
final class KafkaTopicList {
    record Topic(String name, int partitions, Map<String, String> config) {
    }

    static final String FILE = "kafka-topics.txt";

    private KafkaTopicList() {
    }

    static List<Topic> read(Path root) {
        List<Topic> out = new ArrayList<>();
        for (String raw : RepoFiles.read(root.resolve(FILE)).split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException(FILE + ": no partitions: " + line);
            }
            Map<String, String> config = new LinkedHashMap<>();
            for (int i = 2; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(FILE + ": not key=value: " + f[i]);
                }
                config.put(f[i].substring(0, eq), f[i].substring(eq + 1));
            }
            out.add(new Topic(f[0], Integer.parseInt(f[1]), config));
        }
        return out;
    }

    static Map<String, Topic> byName(Path root) {
        Map<String, Topic> out = new LinkedHashMap<>();
        read(root).forEach(t -> out.put(t.name(), t));
        return out;
    }
}
