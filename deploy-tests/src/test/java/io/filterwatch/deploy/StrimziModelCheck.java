package io.filterwatch.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses Strimzi objects into Strimzi's own model classes ({@code io.strimzi:api}, the version of
 * deploy-tests' pom) and prints one line per object: {@code OK <id>} or {@code PROBLEM <id>: ...}.
 * Unknown properties fail: Jackson's FAIL_ON_UNKNOWN_PROPERTIES, and since Strimzi's classes keep
 * unknown fields in {@code additionalProperties} instead of failing, every such map on the parsed
 * tree is reported too.
 *
 * <p>Strimzi's api jar is Java 21 bytecode while this project builds for Java 17, so the classes
 * are loaded by name here and {@link KustomizeOverlaysTest} runs this main class in a Java 21+ JVM
 * ({@link Jdk21}). Input: a JSON file holding an array of objects, each {@code {"id": ..., "object": ...}}.
 */
public final class StrimziModelCheck {
    static final String API_VERSION = "kafka.strimzi.io/v1";
    static final Map<String, String> MODEL = Map.of(
            "Kafka", "io.strimzi.api.kafka.model.kafka.Kafka",
            "KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
            "KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic",
            "KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser");

    private StrimziModelCheck() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        JsonNode items = mapper.readTree(Files.readString(Path.of(args[0])));
        for (JsonNode item : items) {
            String id = item.path("id").asText();
            JsonNode o = item.path("object");
            List<String> problems = new ArrayList<>();
            try {
                String kind = o.path("kind").asText();
                String cls = MODEL.get(kind);
                if (cls == null) {
                    problems.add("no Strimzi model for kind " + kind);
                } else {
                    if (!API_VERSION.equals(o.path("apiVersion").asText())) {
                        problems.add("apiVersion " + o.path("apiVersion").asText() + ", Strimzi 1.x serves " + API_VERSION);
                    }
                    Object typed = mapper.treeToValue(o, Class.forName(cls));
                    unknownFields(typed, kind, problems, 0);
                }
            } catch (Throwable t) {
                problems.add(t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
            }
            System.out.println(problems.isEmpty() ? "OK " + id : "PROBLEM " + id + ": " + String.join("; ", problems));
        }
    }

    /** Model objects (Strimzi's or fabric8's) that kept fields their class does not know. */
    static void unknownFields(Object o, String path, List<String> out, int depth) throws Exception {
        if (o == null || depth > 40) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                unknownFields(x, path + "[" + i++ + "]", out, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, depth + 1);
            }
            return;
        }
        String name = o.getClass().getName();
        if (!name.startsWith("io.strimzi.api.") && !name.startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class || m.getName().equals("getClass")) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue; // derived getters of the model that do not apply to this object
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add("unknown field " + path + " " + extra.keySet());
                }
            } else {
                String prop = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                unknownFields(v, path + "." + prop, out, depth + 1);
            }
        }
    }
}
