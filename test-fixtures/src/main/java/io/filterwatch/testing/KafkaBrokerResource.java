package io.filterwatch.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real in-process Kafka broker ({@link EmbeddedKafka}) on a free
 * 127.0.0.1 port. It returns exactly one config property, {@code kafka.bootstrap.servers}, which
 * also switches off Quarkus' Kafka Dev Services (they would want Docker).
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(KafkaBrokerResource.class)
 * class ProbeIT { ... }
 * }</pre>
 *
 * By default the broker is shared: started once per JVM by the first test that needs it, reused by
 * every later one, stopped by a shutdown hook at JVM exit (so use unique run ids / topics per test).
 * With {@code initArgs = @ResourceArg(name = "shared", value = "false")} a test gets a private broker
 * that {@link #stop()} stops. Init arg {@code partitions} sets the partitions of auto-created topics
 * (private brokers only; the shared one has {@value #SHARED_PARTITIONS}).
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    public static final String BOOTSTRAP_PROPERTY = "kafka.bootstrap.servers";
    /** Partitions of auto-created topics on the shared broker. */
    public static final int SHARED_PARTITIONS = 3;

    private static EmbeddedKafka shared;

    private boolean useShared = true;
    private int partitions = SHARED_PARTITIONS;
    private EmbeddedKafka own;

    @Override
    public void init(Map<String, String> initArgs) {
        useShared = !"false".equalsIgnoreCase(initArgs.getOrDefault("shared", "true"));
        partitions = Integer.parseInt(initArgs.getOrDefault("partitions", String.valueOf(SHARED_PARTITIONS)));
    }

    @Override
    public Map<String, String> start() {
        EmbeddedKafka kafka = useShared ? shared() : (own = EmbeddedKafka.start(partitions));
        return Map.of(BOOTSTRAP_PROPERTY, kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (own != null) {
            own.stop();
            own = null;
        }
        // the shared broker lives until JVM exit (Reaper's shutdown hook) or stopShared()
    }

    /** The JVM-wide shared broker, started on first use. Tests may use it without Quarkus, too. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null || !shared.isRunning()) {
            shared = EmbeddedKafka.start(SHARED_PARTITIONS);
        }
        return shared;
    }

    /** Stops the shared broker now (the next {@link #shared()} starts a fresh one). */
    public static synchronized void stopShared() {
        if (shared != null) {
            shared.stop();
            shared = null;
        }
    }
}
