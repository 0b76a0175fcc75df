package io.filterwatch.trainer.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import io.filterwatch.protocol.KafkaConnectionWatch;
import io.smallrye.common.annotation.Identifier;

/**
 * The trainer's one Kafka producer, for snapshots and run events: a plain client whose settings
 * keep every key's records in the order they were sent, through retries and reconnects.
 *
 * <p>Not a reactive-messaging emitter: SmallRye's Kafka sink re-sends a record whose send failed
 * after a backoff of its own (1-20 s), behind whatever was sent meanwhile, so across a broker
 * restart a layer's step 200 landed after its step 250 and the probe had to reject it. Here the
 * only retries are the client's own: the idempotent producer (acks=all, at most 5 requests in
 * flight per connection) retries inside the partition's sequence, which the broker keeps in order.
 * A record still undelivered after {@code delivery.timeout.ms} fails and is dropped, never sent
 * again: a gap, never a reordering. These three settings are forced; the rest come from
 * {@code kafka.*} in application.properties (docs/trainer.md, "Delivery").
 */
@ApplicationScoped
public class OrderedProducer {
    private static final Logger LOG = Logger.getLogger(OrderedProducer.class);

    private final Map<String, Object> config;
    private final KafkaConnectionWatch watch = new KafkaConnectionWatch("trainer producer");
    /** Records handed to send() and not yet acknowledged or failed, a blocked send() included. */
    private final Outstanding outstanding = new Outstanding();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-connection-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile KafkaProducer<String, byte[]> producer;

    @Inject
    public OrderedProducer(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = producerConfig(kafkaConfig);
    }

    /** The client settings: {@code kafka.*} (blank values left out), with the ordering settings forced. */
    static Map<String, Object> producerConfig(Map<String, Object> kafkaConfig) {
        Map<String, Object> p = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (v != null && !v.toString().isBlank() && !k.equals("group.id")) {
                p.put(k, v.toString());
            }
        });
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Object inFlight = p.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight == null || Integer.parseInt(inFlight.toString()) > 5) {
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // the idempotent producer's ordering bound
        }
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "filterwatch-trainer");
        return p;
    }

    /**
     * Hands a record to the client. The callback runs on the client's I/O thread with the outcome;
     * a record the client refuses at once (no metadata within {@code max.block.ms}, too large)
     * reaches the callback too, or throws here.
     */
    public void send(String topic, String key, byte[] value, long timestampMillis, Callback callback) {
        outstanding.add();
        try {
            client().send(new ProducerRecord<>(topic, null, timestampMillis, key, value), (meta, failure) -> {
                outstanding.done();
                callback.onCompletion(meta, failure);
            });
        } catch (RuntimeException e) {
            outstanding.done();
            throw e;
        }
    }

    /**
     * Once a second: one line when the client has had no broker connection for a while although
     * records wait, one when it is back, instead of the client's line per reconnect attempt.
     */
    private void watchConnection() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            return;
        }
        String line;
        try {
            line = watch.observe(p.metrics(), System.currentTimeMillis(), outstanding.get() > 0);
        } catch (RuntimeException e) {
            return; // a closing client; the next tick or none
        }
        if (line != null) {
            if (watch.connected()) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
    }

    private KafkaProducer<String, byte[]> client() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    p = new KafkaProducer<>(config);
                    producer = p;
                    watcher.scheduleWithFixedDelay(this::watchConnection, 1, 1, TimeUnit.SECONDS);
                }
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        watcher.shutdownNow();
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            // the publisher flushed what it could; do not hold shutdown for a dead broker
            p.close(Duration.ofSeconds(5));
        }
    }
}
