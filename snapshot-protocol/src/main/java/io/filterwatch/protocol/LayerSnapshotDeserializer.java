package io.filterwatch.protocol;

import java.nio.ByteBuffer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for {@link Topics#SNAPSHOTS}: {@link SnapshotCodec#decode}; null stays null.
 * Throws {@link SnapshotFormatException} on a bad record, which stops a plain consumer's poll; a
 * consumer that must route bad records to {@link Topics#SNAPSHOTS_DLQ} should consume {@code byte[]}
 * and call the codec itself.
 */
public class LayerSnapshotDeserializer implements Deserializer<LayerSnapshot> {
    @Override
    public LayerSnapshot deserialize(String topic, byte[] data) {
        return data == null ? null : SnapshotCodec.decode(data);
    }

    @Override
    public LayerSnapshot deserialize(String topic, Headers headers, ByteBuffer data) {
        return data == null ? null : SnapshotCodec.decode(data); // no copy into a byte[]
    }
}
