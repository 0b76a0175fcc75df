package io.filterwatch.probe.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.probe.state.LayerTracker;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.SnapshotFormatException;

/**
 * The probe for the records of ONE partition, in offset order: decode, validate, feed the
 * (run, layer) state, return the records to publish. A pure function of the records seen so far
 * (no clock): the basis of replay and of "two instances give what one gives". Bad input never
 * throws out of here; it comes back as a dead letter.
 */
public final class SnapshotProcessor {
    private final ProbeSettings settings;
    private final OutputRecords out;
    private final Map<String, LayerTracker> trackers = new HashMap<>();
    private final ProbeCounters counters;

    public SnapshotProcessor(ProbeSettings settings, OutputRecords out, ProbeCounters counters) {
        this.settings = settings;
        this.out = out;
        this.counters = counters;
    }

    public List<ProducerRecord<String, byte[]>> process(ConsumerRecord<String, byte[]> record) {
        return process(record, true);
    }

    /**
     * @param publish false while replaying records whose outputs were already published: the state
     *                advances exactly as with true, but no output record is built (no JSON)
     */
    public List<ProducerRecord<String, byte[]>> process(ConsumerRecord<String, byte[]> record, boolean publish) {
        LayerSnapshot snapshot;
        try {
            snapshot = SnapshotCodec.decode(record.value());
        } catch (SnapshotFormatException e) {
            return deadLetter(record, "undecodable snapshot: " + e.getMessage(), e, publish);
        }
        String key = snapshot.key();
        if (!key.equals(record.key())) {
            // the key decides the partition, hence which instance owns the layer's state
            return deadLetter(record, "record key " + record.key() + " is not the snapshot's key " + key, null, publish);
        }
        LayerTracker tracker = trackers.computeIfAbsent(key, k -> new LayerTracker(snapshot.filterCount(), settings));
        LayerTracker.Output result;
        try {
            result = tracker.accept(snapshot);
        } catch (RuntimeException e) {
            // a bug or an input no rule foresaw: park the record, keep the partition moving
            return deadLetter(record, "processing failed: " + e, e, publish);
        }
        if (result.duplicate()) {
            counters.duplicates.increment();
        }
        if (result.placedLate()) {
            counters.placedLate.increment();
        }
        counters.snapshots.increment();
        if (!publish) {
            return List.of();
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        if (result.rejection() != null) {
            records.addAll(deadLetter(record, result.rejection(), null, true));
        }
        // step by step, each step's filters before its summary: an arrival that releases several
        // steps publishes what in-order arrival would have, in the same order
        List<FilterStat> filters = result.filterStats();
        int next = 0;
        for (LayerStat ls : result.layerStats()) {
            while (next < filters.size() && filters.get(next).step() <= ls.step()) {
                records.add(out.filterStat(filters.get(next++)));
            }
            records.add(out.layerStat(ls));
        }
        while (next < filters.size()) {
            records.add(out.filterStat(filters.get(next++)));
        }
        counters.filterStats.add(result.filterStats().size());
        counters.layerStats.add(result.layerStats().size());
        return records;
    }

    private List<ProducerRecord<String, byte[]>> deadLetter(ConsumerRecord<String, byte[]> record, String reason,
                                                           Throwable cause, boolean publish) {
        if (!publish) {
            return List.of(); // replayed: this dead letter was sent before
        }
        counters.deadLetters.increment();
        return List.of(out.deadLetter(record, reason, cause));
    }

    /** (run, layer) trackers held for this partition. */
    public int layers() {
        return trackers.size();
    }
}
