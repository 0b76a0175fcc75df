package io.filterwatch.protocol;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for {@link Topics#SNAPSHOTS}: {@link SnapshotCodec#encode}; null stays null (tombstone). */
public class LayerSnapshotSerializer implements Serializer<LayerSnapshot> {
    @Override
    public byte[] serialize(String topic, LayerSnapshot snapshot) {
        return snapshot == null ? null : SnapshotCodec.encode(snapshot);
    }
}
