package io.filterwatch.aggregator;

import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.aggregator.alert.AlertEngine;
import io.filterwatch.aggregator.alert.AlertPublisher;
import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.aggregator.alert.WebhookNotifier;
import io.filterwatch.aggregator.alert.WebhookSettings;
import io.filterwatch.aggregator.pipeline.AggregatorPipeline;
import io.filterwatch.aggregator.pipeline.PipelineSettings;
import io.filterwatch.aggregator.pipeline.RecordDecoder;
import io.filterwatch.aggregator.pipeline.StreamProcessor;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.aggregator.sink.InfluxSettings;
import io.filterwatch.aggregator.sink.InfluxSink;
import io.filterwatch.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the framework-free core (pipeline, sink, rules, webhooks) for the application's lifetime,
 * from the settings beans of {@link AggregatorBeans}. The core takes plain settings records so
 * tests and the benchmark can run it without Quarkus.
 */
@ApplicationScoped
public class AggregatorService {
    private static final Logger LOG = Logger.getLogger(AggregatorService.class);

    @Inject
    AggregatorConfig config;
    @Inject
    AlertSettings alertSettings;
    @Inject
    InfluxSettings influxSettings;
    @Inject
    WebhookSettings webhookSettings;
    @Inject
    RunRegistry registry;
    /** Quarkus's view of every {@code kafka.*} property (prefix stripped), env overrides included. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    MeterRegistry meters;

    private InfluxSink sink;
    private AlertPublisher publisher;
    private WebhookNotifier webhooks;
    private AggregatorPipeline pipeline;

    void onStart(@Observes StartupEvent event) {
        ObjectMapper json = RecordDecoder.mapper();
        sink = new InfluxSink(influxSettings, meters);
        if (!config.enabled()) {
            LOG.info("aggregator.enabled=false: not consuming");
            return;
        }
        Properties kafka = kafkaProperties(kafkaConfig);
        publisher = new AlertPublisher(kafka, Topics.ALERTS, json, meters);
        webhooks = new WebhookNotifier(webhookSettings, json, meters);
        PipelineSettings settings = new PipelineSettings(kafka, config.groupId(), PipelineSettings.INPUT_TOPICS, Topics.ALERTS,
                config.maxPollRecords(), config.pollTimeout());
        pipeline = new AggregatorPipeline(settings, sink, new StreamProcessor(registry, new AlertEngine(alertSettings)),
                publisher, webhooks, new RecordDecoder(json), meters);
        pipeline.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (pipeline != null) {
            pipeline.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    public RunRegistry registry() {
        return registry;
    }

    public InfluxSink sink() {
        return sink;
    }

    public AggregatorPipeline pipeline() {
        return pipeline;
    }

    /** Client properties for the pipeline's consumer and producer: the deployment's kafka.* settings (security included). */
    public static Properties kafkaProperties(Map<String, Object> kafkaConfig) {
        Properties p = new Properties();
        kafkaConfig.forEach((k, v) -> {
            // Quarkus adds group.id = the application name; the group is aggregator.group-id
            if (v != null && !v.toString().isBlank() && !k.equals("group.id")) {
                p.put(k, v.toString());
            }
        });
        p.putIfAbsent("bootstrap.servers", "127.0.0.1:9092");
        return p;
    }
}
