package io.filterwatch.probe.bench;

import io.filterwatch.probe.SnapshotBuilder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.consume.ProbeCounters;
import io.filterwatch.probe.consume.SnapshotProcessor;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.TrainingContext;

/**
 * Golden digest of the probe's outputs, for changes that must not change a byte: SHA-256 over
 * every output record's topic, key, timestamp, headers and value, in order.
 *
 * <p>"ring": exactly {@link ProbeBenchmark#process}'s inputs (C = 2048, N = 128, 384 snapshots
 * from {@code new Random(42)}, steps 100 (i+1)), twice round, the processor reset at the wrap.
 * "mixed" (C = 64): the same kind of ring plus what the benchmark never exercises: filters whose
 * gamma decays to death and comes back (DYING, DEAD, REVIVED), two workers (with a duplicate and
 * a repeated older step), an SGD run (no second moments) and quarantined snapshots.
 *
 * <pre>java -cp "$CP" io.filterwatch.probe.bench.StateGolden</pre>
 */
public final class StateGolden {
    private StateGolden() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("ring  " + ring());
        System.out.println("mixed " + mixed());
    }

    static String ring() throws NoSuchAlgorithmException {
        Random random = new Random(42);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 384; i++) {
            records.add(SnapshotCodec.encode(ProbeBenchmark.snapshot(random, 2048, 128, 100L * (i + 1))));
        }
        Digest d = new Digest();
        for (int round = 0; round < 2; round++) {
            d.reset(); // steps must rise: a fresh processor at the wrap, as the benchmark does
            for (byte[] r : records) {
                d.feed("bench/conv", r);
            }
        }
        return d.hex();
    }

    static String mixed() throws NoSuchAlgorithmException {
        Digest d = new Digest();
        // the benchmark's kind of layer at C = 64, twice round
        Random random = new Random(7);
        List<byte[]> ring = new ArrayList<>();
        for (int i = 0; i < 384; i++) {
            ring.add(SnapshotCodec.encode(ProbeBenchmark.snapshot(random, 64, 128, 100L * (i + 1))));
        }
        for (int round = 0; round < 2; round++) {
            d.reset();
            ring.forEach(r -> d.feed("bench/conv", r));
        }
        // life cycle: every 5th filter's gamma decays under a small gradient, dies by scale,
        // then comes back; every 7th stops firing for a while; snapshot 90 and 91 are quarantined
        d.reset();
        random = new Random(11);
        for (int i = 0; i < 200; i++) {
            LayerSnapshot s = ProbeBenchmark.snapshot(random, 64, 32, 100L * (i + 1));
            float[] gamma = s.params().gamma();
            float[] grad = s.gradients().gradGamma();
            for (int f = 0; f < 64; f++) {
                if (f % 5 == 0) {
                    double scale = i < 120 ? Math.pow(0.93, i) : 0.5;
                    gamma[f] = (float) (0.4 * scale * (1 + 0.01 * random.nextGaussian()));
                    grad[f] = i < 120 ? 1e-7f * (1 + f % 3) : 1e-3f;
                }
                if (f % 7 == 0 && i > 40 && i < 70) {
                    s.activity().maxResponse()[f] = 0f;
                    s.activity().activeCount()[f] = 0;
                    s.activity().responseSum()[f] = 0;
                }
            }
            if (i == 90) {
                gamma[3] = Float.NaN;
            }
            if (i == 91) {
                s.activity().responseSum()[5] = Double.POSITIVE_INFINITY;
            }
            d.feed("bench/conv", SnapshotCodec.encode(s));
        }
        // two workers, learned from the stream; a duplicate, an older step sent again
        d.reset();
        random = new Random(13);
        for (int i = 0; i < 120; i++) {
            long step = 100L * (i + 1);
            for (int rank = 0; rank < 2; rank++) {
                byte[] r = SnapshotCodec.encode(SnapshotBuilder.withRank(ProbeBenchmark.snapshot(random, 64, 16, step), rank));
                d.feed("bench/conv", r);
                if (i == 30 && rank == 0) {
                    d.feed("bench/conv", r); // duplicate
                }
            }
            if (i == 50) {
                d.feed("bench/conv", SnapshotCodec.encode(
                        SnapshotBuilder.withRank(ProbeBenchmark.snapshot(random, 64, 16, step - 200), 0))); // a repeat of a merged (step, rank)
            }
        }
        // SGD: no second moments, decay ratio undefined everywhere
        d.reset();
        random = new Random(17);
        for (int i = 0; i < 100; i++) {
            LayerSnapshot s = ProbeBenchmark.snapshot(random, 64, 64, 100L * (i + 1));
            FilterGradients g = s.gradients();
            TrainingContext c = s.context();
            d.feed("bench/conv", SnapshotCodec.encode(new LayerSnapshot(
                    new TrainingContext(c.runId(), c.workerRank(), c.step(), c.epoch(), c.wallClockMillis(), "sgd",
                            c.learningRate(), c.l2(), 1e-4, c.batchSize()),
                    s.layer(), s.params(), new FilterGradients(g.gradGamma(), g.gradBeta(), g.gradWeightNorm(),
                    null, null, null), s.activity(), s.sample())));
        }
        return d.hex();
    }

    /** Feeds records to a processor and hashes what comes out. */
    private static final class Digest {
        private final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        /** The LayerStat records alone: a change of the FilterStat output policy must leave them as they were. */
        private final MessageDigest layerSha = MessageDigest.getInstance("SHA-256");
        private final ProbeSettings settings = ProbeSettings.defaults();
        private final OutputRecords out = new OutputRecords(ProbeTopics.standard());
        private SnapshotProcessor processor;
        private long offset;
        private long records;
        /** Records per topic and per state seen, to show what the scenario exercised. */
        private final java.util.Map<String, Integer> seen = new java.util.TreeMap<>();

        Digest() throws NoSuchAlgorithmException {
        }

        void reset() {
            processor = new SnapshotProcessor(settings, out, new ProbeCounters());
        }

        void feed(String key, byte[] value) {
            List<ProducerRecord<String, byte[]>> outs = processor.process(new ConsumerRecord<>(
                    "filterwatch.snapshots", 0, offset++, 0L, TimestampType.CREATE_TIME, 0, value.length, key, value,
                    new RecordHeaders(), Optional.empty()));
            for (ProducerRecord<String, byte[]> r : outs) {
                records++;
                text(r.topic());
                text(r.key());
                text(String.valueOf(r.timestamp()));
                for (Header h : r.headers()) {
                    text(h.key());
                    sha.update(h.value());
                }
                sha.update(r.value());
                if (r.topic().equals(ProbeTopics.standard().layerStats())) {
                    layerSha.update(r.value());
                }
                String json = new String(r.value(), StandardCharsets.ISO_8859_1);
                seen.merge(r.topic(), 1, Integer::sum);
                for (String state : new String[] {"DYING", "DEAD", "REVIVED"}) {
                    if (json.contains("\"" + state + "\"")) {
                        seen.merge(state, 1, Integer::sum);
                    }
                }
            }
        }

        private void text(String s) {
            byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
            sha.update((byte) (b.length >>> 8));
            sha.update((byte) b.length);
            sha.update(b);
        }

        String hex() {
            return records + " records, sha256 " + HexFormat.of().formatHex(sha.digest()) + " " + seen
                    + ", layer-stats sha256 " + HexFormat.of().formatHex(layerSha.digest());
        }
    }
}
