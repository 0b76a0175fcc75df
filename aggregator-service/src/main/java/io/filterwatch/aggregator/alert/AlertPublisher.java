package io.filterwatch.aggregator.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes alerts to {@link Topics#ALERTS} and waits for the broker's acknowledgement: the pipeline
 * commits input offsets only after this returned, so a crash re-publishes (same id) rather than loses.
 */
public final class AlertPublisher implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json;
    private final String topic;
    private final Counter published;

    public AlertPublisher(Properties kafka, String topic, ObjectMapper json, MeterRegistry registry) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.json = json;
        this.topic = topic;
        this.published = Counter.builder("filterwatch.aggregator.alerts.published").register(registry);
    }

    public void publish(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(alerts.size());
        try {
            for (Alert a : alerts) {
                acks.add(producer.send(new ProducerRecord<>(topic, a.runId(), json.writeValueAsString(a))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Alert not serialisable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing alerts", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Alert publication not acknowledged: " + e.getMessage(), e);
        }
        published.increment(alerts.size());
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
