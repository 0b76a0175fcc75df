package io.filterwatch.probe.publish;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.Topics;

import java.util.List;

/**
 * Turns the probe's results into Kafka records. Record timestamps come from the snapshot (the
 * step's wall-clock time), never from the clock, so a replay produces byte-identical records.
 */
public final class OutputRecords {
    /** DLQ headers, named as SmallRye's dead-letter-queue strategy names them. */
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private final ProbeTopics topics;

    public OutputRecords(ProbeTopics topics) {
        this.topics = topics;
    }

    public ProducerRecord<String, byte[]> filterStat(FilterStat s) {
        return new ProducerRecord<>(topics.filterStats(), null, s.wallClockMillis(),
                Topics.snapshotKey(s.runId(), s.layer()), JsonMessages.toJson(s));
    }

    public ProducerRecord<String, byte[]> layerStat(LayerStat s) {
        return new ProducerRecord<>(topics.layerStats(), null, s.wallClockMillis(),
                Topics.snapshotKey(s.runId(), s.layer()), JsonMessages.toJson(s));
    }

    /** The input record unchanged (key, value, timestamp), with why and where from in headers. */
    public ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> in, String reason, Throwable cause) {
        List<Header> headers = new java.util.ArrayList<>();
        in.headers().forEach(headers::add);
        headers.add(header(REASON, reason == null ? "unknown" : reason));
        if (cause != null) {
            headers.add(header(CAUSE, cause.getClass().getName()));
        }
        headers.add(header(TOPIC, in.topic()));
        headers.add(header(PARTITION, Integer.toString(in.partition())));
        headers.add(header(OFFSET, Long.toString(in.offset())));
        long timestamp = in.timestamp() >= 0 ? in.timestamp() : 0L;
        return new ProducerRecord<>(topics.dlq(), null, timestamp, in.key(), in.value(), headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
