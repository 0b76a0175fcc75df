package io.filterwatch.console.backtest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.filterwatch.protocol.Topics;

/**
 * A run's input records as the pipeline saw them: the binary snapshots of {@link Topics#SNAPSHOTS}
 * and the JSON run events of {@link Topics#RUNS}, in the order they were read, gzip-compressed.
 * Everything downstream (probe statistics, run aggregates, alerts) is a function of these, which is
 * what lets a backtest replay a run offline.
 *
 * <p>Format (big-endian, inside gzip): the magic {@code FWREC}, a version int (1), then per record
 * a kind byte (1 snapshot, 2 run event), the record's Kafka timestamp (long, ms), its key
 * (modified UTF-8) and its value (int length + bytes); a kind byte 0 ends the file.
 */
public final class Recording {
    static final byte[] MAGIC = {'F', 'W', 'R', 'E', 'C'};
    static final int VERSION = 1;

    public enum Kind { SNAPSHOT, RUN_EVENT }

    /** One recorded Kafka record. */
    public record Entry(Kind kind, long timestampMillis, String key, byte[] value) {
        public String topic() {
            return kind == Kind.SNAPSHOT ? Topics.SNAPSHOTS : Topics.RUNS;
        }
    }

    private Recording() {
    }

    /** Appends entries to a new file; close() writes the end mark. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private long entries;

        public Writer(Path file) throws IOException {
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            OutputStream os = new GZIPOutputStream(Files.newOutputStream(abs), 1 << 16);
            this.out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.write(MAGIC);
            out.writeInt(VERSION);
        }

        public void write(Entry e) throws IOException {
            out.writeByte(e.kind() == Kind.SNAPSHOT ? 1 : 2);
            out.writeLong(e.timestampMillis());
            out.writeUTF(e.key() == null ? "" : e.key());
            out.writeInt(e.value().length);
            out.write(e.value());
            entries++;
        }

        public long entries() {
            return entries;
        }

        @Override
        public void close() throws IOException {
            out.writeByte(0);
            out.close();
        }
    }

    /**
     * The entries as the pipeline reads them. A recording holds each partition's records in order,
     * but partitions one after the other (a consumer drains what it fetched per partition), while
     * the probe and the aggregator see every layer's stream advance together. So: each (topic, key)
     * stream keeps its recorded order, and the streams are interleaved by record time (ties in
     * recorded order).
     */
    public static List<Entry> inPipelineOrder(List<Entry> entries) {
        Map<String, ArrayDeque<Integer>> streams = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            streams.computeIfAbsent(e.topic() + '\u0000' + e.key(), k -> new ArrayDeque<>()).add(i);
        }
        PriorityQueue<ArrayDeque<Integer>> heads = new PriorityQueue<>(Comparator
                .<ArrayDeque<Integer>>comparingLong(q -> entries.get(q.peekFirst()).timestampMillis())
                .thenComparingInt(ArrayDeque::peekFirst));
        heads.addAll(streams.values());
        List<Entry> out = new ArrayList<>(entries.size());
        while (!heads.isEmpty()) {
            ArrayDeque<Integer> q = heads.poll();
            out.add(entries.get(q.pollFirst()));
            if (!q.isEmpty()) {
                heads.add(q);
            }
        }
        return out;
    }

    public static List<Entry> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static List<Entry> read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a FilterWatch recording (no FWREC magic)");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("recording version " + version + " is not supported (expected " + VERSION + ")");
        }
        List<Entry> entries = new ArrayList<>();
        while (true) {
            int kind;
            try {
                kind = in.readByte();
            } catch (EOFException e) {
                throw new IOException("recording truncated after " + entries.size() + " records (no end mark)", e);
            }
            if (kind == 0) {
                return entries;
            }
            if (kind != 1 && kind != 2) {
                throw new IOException("bad record kind " + kind + " after " + entries.size() + " records");
            }
            long ts = in.readLong();
            String key = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > 64 << 20) {
                throw new IOException("bad record length " + len);
            }
            entries.add(new Entry(kind == 1 ? Kind.SNAPSHOT : Kind.RUN_EVENT, ts, key, in.readNBytes(len)));
        }
    }
}
