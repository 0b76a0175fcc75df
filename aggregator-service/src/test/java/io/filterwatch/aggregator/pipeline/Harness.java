package io.filterwatch.aggregator.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.aggregator.alert.AlertEngine;
import io.filterwatch.aggregator.alert.AlertPublisher;
import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.aggregator.alert.WebhookNotifier;
import io.filterwatch.aggregator.alert.WebhookSettings;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.aggregator.sink.InfluxSettings;
import io.filterwatch.aggregator.sink.InfluxSink;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;
import io.filterwatch.testing.LocalInfluxDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** One Quarkus-less aggregator instance (the production core, wired by hand) plus test helpers. */
final class Harness implements AutoCloseable {
    static final ObjectMapper JSON = RecordDecoder.mapper();

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final InfluxSink sink;
    final AlertPublisher publisher;
    final WebhookNotifier webhooks;
    final RunRegistry registry = new RunRegistry(500);
    final AggregatorPipeline pipeline;

    Harness(String bootstrap, String influxUrl, String database, String groupId, int maxPollRecords, WebhookSettings hooks) {
        this(bootstrap, influxUrl, database, groupId, maxPollRecords, hooks, AlertSettings.defaults());
    }

    Harness(String bootstrap, String influxUrl, String database, String groupId, int maxPollRecords, WebhookSettings hooks,
            AlertSettings alerts) {
        InfluxSettings influx = new InfluxSettings(influxUrl, database, java.util.Optional.empty(), java.util.Optional.empty(), 5000,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5), true);
        PipelineSettings base = PipelineSettings.of(bootstrap, groupId);
        PipelineSettings settings = new PipelineSettings(base.kafka(), groupId, base.topics(), base.alertsTopic(), maxPollRecords,
                Duration.ofMillis(200));
        sink = new InfluxSink(influx, meters);
        publisher = new AlertPublisher(base.kafka(), Topics.ALERTS, JSON, meters);
        webhooks = new WebhookNotifier(hooks, JSON, meters);
        pipeline = new AggregatorPipeline(settings, sink, new StreamProcessor(registry, new AlertEngine(alerts)),
                publisher, webhooks, new RecordDecoder(JSON), meters);
    }

    Harness start() {
        pipeline.start();
        return this;
    }

    double counter(String name) {
        return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        pipeline.close();
        webhooks.close();
        publisher.close();
        sink.close();
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends and waits for the acks, keyed like the probe does (run/layer), so one layer stays in one partition. */
    static void send(KafkaProducer<String, String> producer, List<?> records) {
        try {
            for (Object r : records) {
                String topic;
                String key;
                if (r instanceof LayerStat s) {
                    topic = Topics.LAYER_STATS;
                    key = s.runId() + "/" + s.layer();
                } else if (r instanceof FilterStat s) {
                    topic = Topics.FILTER_STATS;
                    key = s.runId() + "/" + s.layer();
                } else if (r instanceof RunEvent e) {
                    topic = Topics.RUNS;
                    key = e.runId();
                } else if (r instanceof Alert a) {
                    topic = Topics.ALERTS;
                    key = a.runId();
                } else {
                    throw new IllegalArgumentException(String.valueOf(r));
                }
                producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(r)));
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** First value of the first series of an InfluxQL answer, 0 when there is none (count() over nothing). */
    static long scalar(LocalInfluxDb influx, String database, String q) {
        try {
            JsonNode values = JSON.readTree(influx.query(database, q)).path("results").path(0).path("series").path(0).path("values");
            return values.isMissingNode() || values.isEmpty() ? 0 : values.path(0).path(1).asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode rows(LocalInfluxDb influx, String database, String q) {
        try {
            return JSON.readTree(influx.query(database, q)).path("results").path(0).path("series").path(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // InfluxDB briefly unreachable: keep waiting
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Timed out waiting for " + what);
    }
}
