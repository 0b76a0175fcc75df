package io.filterwatch.trainer.bench;

import io.filterwatch.testing.EmbeddedKafka;
import io.filterwatch.testing.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's Kafka broker. By default the in-process one every trainer test uses. With
 * {@code -Dbench.broker=process} a broker in a child JVM at the lowest CPU priority
 * ({@code nice -n 19}): in production the broker runs elsewhere, and an in-process broker's
 * threads and garbage collections share the training JVM, so its cost would count as capture
 * overhead. The child still shares the 2 cores and their caches; it only yields to the trainer.
 */
public class BenchBrokerResource implements QuarkusTestResourceLifecycleManager {

    private final KafkaBrokerResource inProcess = new KafkaBrokerResource();
    private Process child;

    @Override
    public Map<String, String> start() {
        if (!"process".equals(System.getProperty("bench.broker"))) {
            inProcess.init(Map.of());
            return inProcess.start();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            child = new ProcessBuilder("nice", "-n", "19", java, "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), ChildBroker.class.getName())
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("BOOTSTRAP ")) {
                    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-broker-output");
                    drain.setDaemon(true);
                    drain.start();
                    return Map.of(KafkaBrokerResource.BOOTSTRAP_PROPERTY, line.substring("BOOTSTRAP ".length()));
                }
            }
            throw new IllegalStateException("child broker exited with " + child.waitFor());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start the child broker", e);
        }
    }

    @Override
    public void stop() {
        inProcess.stop();
        if (child != null) {
            child.destroy();
            try {
                child.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            child.destroyForcibly();
        }
    }

    /** The child JVM: a broker until stdin closes or the parent destroys it. */
    public static final class ChildBroker {
        public static void main(String[] args) throws IOException {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(KafkaBrokerResource.SHARED_PARTITIONS)) {
                System.out.println("BOOTSTRAP " + kafka.bootstrapServers());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // parent alive
                }
            }
        }
    }
}
