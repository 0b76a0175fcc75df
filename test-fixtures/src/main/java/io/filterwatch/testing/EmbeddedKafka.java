package io.filterwatch.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka 4.1 broker in this JVM: KRaft, combined broker and controller
 * ({@link KafkaRaftServer}), storage formatted with Kafka's own {@link Formatter} into a temporary
 * log dir that {@link #stop()} deletes. Both listeners bind 127.0.0.1 on free ports, never the
 * wildcard address.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("filterwatch.snapshots", 3);
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * Broker logging is turned down to WARN; set {@code -Dfilterwatch.kafka.log=INFO} to see it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    public static final int DEFAULT_PARTITIONS = 1;
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final List<Logger> QUIETED = new ArrayList<>();

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final KafkaConfig config;
    private KafkaRaftServer server;
    private volatile boolean stopped;

    private EmbeddedKafka(Path logDir, int port, int controllerPort, String clusterId, KafkaConfig config,
                          KafkaRaftServer server) {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.config = config;
        this.server = server;
    }

    /** Starts a broker whose auto-created topics get one partition. */
    public static EmbeddedKafka start() {
        return start(DEFAULT_PARTITIONS);
    }

    /**
     * Starts a broker.
     *
     * @param defaultPartitions partitions of auto-created topics ({@code num.partitions})
     */
    public static EmbeddedKafka start(int defaultPartitions) {
        return start(defaultPartitions, Map.of());
    }

    /** Starts a broker with extra broker properties (they override the defaults here, not the listeners). */
    public static EmbeddedKafka start(int defaultPartitions, Map<String, String> overrides) {
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("defaultPartitions must be >= 1: " + defaultPartitions);
        }
        quietKafkaLogging();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path dir = null;
            KafkaRaftServer server = null;
            try {
                dir = Files.createTempDirectory("fw-kafka-");
                int port = Loopback.freePort();
                int controllerPort = Loopback.freePort();
                while (controllerPort == port) {
                    controllerPort = Loopback.freePort();
                }
                String clusterId = Uuid.randomUuid().toString();
                Properties props = brokerProperties(dir, port, controllerPort, defaultPartitions, overrides);
                KafkaConfig config = new KafkaConfig(props, false);
                format(config, dir, clusterId);
                server = new KafkaRaftServer(config, Time.SYSTEM);
                server.startup();
                EmbeddedKafka kafka = new EmbeddedKafka(dir, port, controllerPort, clusterId, config, server);
                Reaper.register(kafka);
                kafka.awaitReady(Duration.ofSeconds(60));
                return kafka;
            } catch (Exception e) {
                last = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (server != null) {
                    try {
                        server.shutdown();
                        server.awaitShutdown();
                    } catch (Throwable ignored) {
                        // best effort
                    }
                }
                Loopback.deleteRecursively(dir);
                if (!isBindProblem(e)) {
                    break;
                }
            }
        }
        throw new IllegalStateException("could not start the embedded Kafka broker on " + Loopback.HOST + ": " + last, last);
    }

    static Properties brokerProperties(Path dir, int port, int controllerPort, int defaultPartitions,
                                       Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + Loopback.HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toAbsolutePath().toString());
        p.put("num.partitions", String.valueOf(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // small and fast: 2 shared cores, many test JVMs
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.retention.check.interval.ms", "600000");
        // fast shutdown
        p.put("controlled.shutdown.enable", "false");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "9000");
        p.put("controller.quorum.election.timeout.ms", "1000");
        p.put("controller.quorum.fetch.timeout.ms", "2000");
        p.put("delete.topic.enable", "true");
        p.putAll(overrides);
        return p;
    }

    private static void format(KafkaConfig config, Path dir, String clusterId) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        new Formatter()
                .setPrintStream(quiet)
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setDirectories(List.of(dir.toAbsolutePath().toString()))
                .setMetadataLogDirectory(dir.toAbsolutePath().toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setUnstableFeatureVersionsEnabled(false)
                .run();
    }

    private static boolean isBindProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof java.net.BindException || m.contains("Address already in use") || m.contains("bind")) {
                return true;
            }
        }
        return false;
    }

    private static synchronized void quietKafkaLogging() {
        if (!QUIETED.isEmpty()) {
            return;
        }
        Level level = switch (System.getProperty("filterwatch.kafka.log", "WARN").toUpperCase()) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "INFO" -> Level.INFO;
            case "ERROR" -> Level.SEVERE;
            default -> Level.WARNING;
        };
        for (String name : List.of("kafka", "state.change.logger", "org.apache.kafka.server", "org.apache.kafka.controller",
                "org.apache.kafka.raft", "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
                "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
                "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.common.utils.AppInfoParser",
                "org.apache.kafka.common.metrics", "org.apache.kafka.clients.admin", "org.apache.kafka.clients.NetworkClient",
                "org.apache.kafka.common.config.AbstractConfig", "org.apache.kafka.server.common")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(level);
            QUIETED.add(l); // keep a strong reference, or j.u.l. forgets the level
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers} / {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return Loopback.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    public Path logDir() {
        return logDir;
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    /** Creates a topic (replication 1) and waits until every partition has a leader. Existing topic: no-op. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    public void createTopic(String name, int partitions, Map<String, String> topicConfig) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(topicConfig)))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
                    if (d != null && d.partitions().size() >= partitions
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException ignored) {
                    // metadata not there yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leader for every partition after 30 s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("broker on " + bootstrapServers() + " not ready after " + timeout, last);
    }

    public boolean isRunning() {
        return !stopped;
    }

    /** True while the broker is up (between {@link #stopBroker()} and {@link #restartBroker()} it is not). */
    public synchronized boolean isBrokerUp() {
        return server != null;
    }

    /**
     * Shuts the broker down as an outage would (clients see their connections refused), keeping its
     * log dir, ports and cluster id for {@link #restartBroker()}.
     */
    public synchronized void stopBroker() {
        checkNotStopped();
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
    }

    /** Starts the broker again on the same ports with the same data, and waits until it answers. */
    public synchronized void restartBroker() {
        checkNotStopped();
        if (server != null) {
            return;
        }
        if (Loopback.isListening(port) || Loopback.isListening(controllerPort)) {
            throw new IllegalStateException("cannot restart Kafka: port " + port + " or " + controllerPort
                    + " on " + Loopback.HOST + " was taken while it was down");
        }
        KafkaRaftServer restarted = new KafkaRaftServer(config, Time.SYSTEM);
        restarted.startup();
        server = restarted;
        try {
            awaitReady(Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not come back on " + bootstrapServers(), e);
        }
    }

    private void checkNotStopped() {
        if (stopped) {
            throw new IllegalStateException(this + " was stopped for good");
        }
    }

    /** Shuts the broker down, waits for it, and deletes its log dir. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        Reaper.unregister(this);
        try {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
            }
        } catch (Throwable t) {
            System.err.println("[filterwatch-testing] embedded Kafka shutdown: " + t);
        } finally {
            server = null;
            Loopback.deleteRecursively(logDir);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + (stopped ? ", stopped" : "") + "]";
    }
}
