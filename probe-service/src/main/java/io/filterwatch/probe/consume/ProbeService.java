package io.filterwatch.probe.consume;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.filterwatch.probe.ProbeConfig;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.protocol.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Runs one {@link ProbeLoop} on its own thread for the life of the application and restarts it
 * (fresh consumer and producer, hence a rebalance and a replay) if it fails, with backoff.
 */
@ApplicationScoped
public class ProbeService {
    private static final Logger LOG = Logger.getLogger(ProbeService.class);

    private final ProbeConfig config;
    private final String bootstrapServers;
    private final ProbeCounters counters = new ProbeCounters();
    private volatile ProbeLoop loop;
    private volatile boolean stopping;
    private Thread thread;

    private final Map<String, String> kafkaClientConfig;

    /**
     * @param kafkaConfig Quarkus's view of every {@code kafka.*} property (prefix stripped, env
     *                    overrides included): security settings reach both clients through it
     */
    public ProbeService(ProbeConfig config,
                        @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                        @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                        MeterRegistry registry) {
        this.config = config;
        counters.register(registry);
        this.bootstrapServers = bootstrapServers;
        Map<String, String> extra = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            // Quarkus adds group.id = the application name; the probe's group is probe.group-id
            if (v != null && !v.toString().isBlank() && !k.equals("bootstrap.servers") && !k.equals("group.id")) {
                extra.put(k, v.toString());
            }
        });
        this.kafkaClientConfig = Map.copyOf(extra);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("probe loop disabled (probe.enabled=false)");
            return;
        }
        thread = new Thread(this::supervise, "probe-loop");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping = true;
        ProbeLoop current = loop;
        if (current != null) {
            current.stop();
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void supervise() {
        // 0.5 s doubling to 30 s: a crash loop (broker gone, bad config) costs a line every 30 s, not a storm
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        ProbeTopics topics = config.topicPrefix().map(ProbeTopics::prefixed).orElse(ProbeTopics.standard());
        while (!stopping) {
            ProbeLoop.Connection connection = new ProbeLoop.Connection(bootstrapServers, config.groupId(),
                    "probe-" + System.getenv().getOrDefault("HOSTNAME", Long.toString(ProcessHandle.current().pid())),
                    config.maxPollRecords(),
                    kafkaClientConfig, kafkaClientConfig);
            loop = new ProbeLoop(connection, config.settings(), topics, counters);
            try {
                loop.run();
                backoff.reset();
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                counters.restarts.increment();
                long delay = backoff.nextDelayMillis();
                LOG.errorf(e, "probe loop failed; restarting in %d ms (state is rebuilt by replay)", delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public ProbeCounters counters() {
        return counters;
    }

    public ProbeLoop loop() {
        return loop;
    }

    public boolean running() {
        return thread != null && thread.isAlive();
    }
}
