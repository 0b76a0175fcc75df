package io.filterwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.Topics;
import io.filterwatch.protocol.TrainingContext;

/**
 * Done-when of issue 2: a real layer snapshot goes through a real Kafka broker (in-process, KRaft,
 * 127.0.0.1) on the real topic and is decoded on the other side.
 */
@WithKafka(partitions = 3, topics = Topics.SNAPSHOTS)
class SnapshotThroughKafkaIT {

    @Test
    void snapshotSurvivesTheBroker(EmbeddedKafka kafka) throws Exception {
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        LayerSnapshot sent = snapshot(256, 32, new Random(42));
        byte[] bytes = SnapshotCodec.encode(sent);
        assertThat(bytes.length).isLessThan(1_000_000);

        RecordMetadata meta;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(kafka))) {
            meta = producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, sent.key(), bytes)).get();
        }

        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka))) {
            consumer.subscribe(List.of(Topics.SNAPSHOTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }

        assertThat(got).hasSize(1);
        ConsumerRecord<String, byte[]> rec = got.get(0);
        assertThat(rec.key()).isEqualTo("run-it-1/layer2.1.conv2");
        assertThat(rec.partition()).isEqualTo(meta.partition());
        assertThat(rec.value()).isEqualTo(bytes);

        LayerSnapshot received = SnapshotCodec.decode(rec.value());
        // the wire quantises per-sample responses, so compare against a local round trip ...
        assertThat(received).isEqualTo(SnapshotCodec.decode(bytes));
        // ... and check the exact parts against what was sent
        assertThat(received.context()).isEqualTo(sent.context());
        assertThat(received.layer()).isEqualTo(sent.layer());
        assertThat(received.key()).isEqualTo(sent.key());
        assertThat(received.activity().samplesSeen()).isEqualTo(sent.activity().samplesSeen());
        assertThat(received.activity().activeCount()).isEqualTo(sent.activity().activeCount());
        assertThat(received.sample().sampleCount()).isEqualTo(sent.sample().sampleCount());
        // dead filters (every response 0) stay decidably dead after the trip
        for (int f = 0; f < sent.filterCount(); f += 4) {
            assertThat(received.activity().maxResponse()[f]).isLessThanOrEqualTo((float) ActivationAggregates.ACTIVE_THRESHOLD);
        }
    }

    /** The transport alone, independent of the codec: a record near Kafka's 1 MB default limit, byte for byte. */
    @Test
    void largeRecordSurvivesTheBrokerByteForByte(EmbeddedKafka kafka) throws Exception {
        byte[] payload = new byte[900_000];
        new Random(7).nextBytes(payload);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(kafka))) {
            producer.send(new ProducerRecord<>("fixture.raw", "run-raw/conv1", payload)).get();
        }
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        Properties cp = consumerProps(kafka);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-it");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of("fixture.raw")); // auto-created with the class's 3 partitions
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertThat(got).hasSize(1);
        assertThat(got.get(0).key()).isEqualTo("run-raw/conv1");
        assertThat(got.get(0).value()).isEqualTo(payload);
    }

    static LayerSnapshot snapshot(int c, int n, Random rnd) {
        TrainingContext ctx = new TrainingContext("run-it-1", 0, 12_345L, 7, 1_764_000_000_000L,
                "adam", 1e-3, 5e-4, 0.0, 128);
        LayerInfo layer = new LayerInfo("layer2.1.conv2", 9, c, 28, 28);
        int[] paramCount = new int[c];
        long[] flops = new long[c];
        float[] gamma = new float[c];
        float[] beta = new float[c];
        float[] wn = new float[c];
        float[] gg = new float[c];
        float[] gb = new float[c];
        float[] gw = new float[c];
        float[] rg = new float[c];
        float[] rb = new float[c];
        float[] rw = new float[c];
        float[] max = new float[c];
        long[] active = new long[c];
        double[] sum = new double[c];
        long samplesSeen = 50_000L;
        for (int f = 0; f < c; f++) {
            boolean dead = f % 4 == 0;
            paramCount[f] = 3 * 3 * c + 2;
            flops[f] = 28L * 28 * 3 * 3 * c;
            gamma[f] = dead ? 1e-4f * rnd.nextFloat() : 0.5f + rnd.nextFloat();
            beta[f] = dead ? -0.3f - rnd.nextFloat() : (float) rnd.nextGaussian() * 0.1f;
            wn[f] = rnd.nextFloat() * 2;
            gg[f] = dead ? 0f : (float) rnd.nextGaussian() * 1e-3f;
            gb[f] = dead ? 0f : (float) rnd.nextGaussian() * 1e-3f;
            gw[f] = dead ? 0f : rnd.nextFloat() * 1e-2f;
            rg[f] = rnd.nextFloat() * 1e-3f;
            rb[f] = rnd.nextFloat() * 1e-3f;
            rw[f] = rnd.nextFloat() * 1e-3f;
        }
        float[] responses = new float[n * c];
        float[] frac = new float[n * c];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < c; f++) {
                boolean dead = f % 4 == 0;
                float r = dead ? 0f : rnd.nextFloat() * 4f;
                responses[i * c + f] = r;
                frac[i * c + f] = dead ? 0f : rnd.nextFloat();
                max[f] = Math.max(max[f], r);
            }
        }
        for (int f = 0; f < c; f++) {
            boolean dead = f % 4 == 0;
            active[f] = dead ? 0 : samplesSeen - rnd.nextInt(1000);
            sum[f] = dead ? 0.0 : max[f] * 0.4 * active[f];
        }
        return new LayerSnapshot(ctx, layer,
                new FilterParameters(paramCount, flops, gamma, beta, wn),
                new FilterGradients(gg, gb, gw, rg, rb, rw),
                new ActivationAggregates(12_000L, samplesSeen, max, active, sum),
                new ResponseSample(n, responses, frac, 0));
    }

    private static Properties producerProps(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    private static Properties consumerProps(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "snapshot-it");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
