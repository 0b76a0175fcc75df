package io.filterwatch.probe.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.consume.BrokerHarness.Out;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;

/**
 * The probe against a real broker (in-process Kafka 4.1, KRaft): exact outputs, dead letters,
 * two members, a restart. Each test has its own topics and consumer group on the shared broker.
 */
class ProbeBrokerIT {
    /**
     * Window of two snapshots (2 x 640 samples), an epoch of as many training samples (each
     * snapshot covers 10 steps of batch 64, all captured), K = 2, refresh every 4.
     */
    static final ProbeSettings SETTINGS = ProbeSettings.defaults().withWindowSamples(1280).withEpochSamples(1280)
            .withDyingSnapshots(2).withRefreshEvery(4);

    private static List<Map.Entry<String, byte[]>> encoded(List<LayerSnapshot> story) {
        List<Map.Entry<String, byte[]>> in = new ArrayList<>();
        story.forEach(s -> in.add(Map.entry(s.key(), SnapshotStreams.encode(s))));
        return in;
    }

    private static void send(BrokerHarness h, List<Map.Entry<String, byte[]>> inputs) {
        inputs.forEach(e -> h.send(e.getKey(), e.getValue()));
        h.flush();
    }

    @Test
    void knownSequenceGivesExactlyTheExpectedRecords() throws Exception {
        try (BrokerHarness h = new BrokerHarness("exact", SETTINGS)) {
            List<Map.Entry<String, byte[]>> inputs = encoded(SnapshotStreams.story("x", 2, 2, 8, 1));
            Map<String, List<Out>> expected = h.reference(inputs);
            h.start("a");
            send(h, inputs);
            List<ConsumerRecord<String, byte[]>> got = h.read(h.outputTopics(), BrokerHarness.count(expected), 1500, 60_000);
            assertThat(got).hasSize(BrokerHarness.count(expected));
            assertThat(BrokerHarness.byKeyAndTopic(BrokerHarness.distinctByKey(got)))
                    .isEqualTo(BrokerHarness.byKeyAndTopic(expected));

            // and the story, checked by hand for run 0, conv0 at step 800 (window = 2 snapshots):
            // f0 healthy; f1 silent since snapshot 3 -> dead by activation from step 500;
            // f2 gamma halves under dominance 5e-4 * gamma / 1e-7 >> 1 -> DYING since step 300 (K = 2);
            // f3 silent in snapshots 3..5 -> DEAD at 500, fires at 700 -> REVIVED since 700
            LayerStat last = got.stream().filter(r -> r.topic().equals(h.topics.layerStats()))
                    .map(r -> JsonMessages.fromJson(r.value(), LayerStat.class))
                    .filter(s -> s.runId().equals("xrun0") && s.layer().equals("conv0") && s.step() == 800)
                    .findFirst().orElseThrow();
            assertThat(List.of(last.alive(), last.dying(), last.dead(), last.revived())).containsExactly(1, 1, 1, 1);
            assertThat(last.deadByActivation()).isEqualTo(1);
            assertThat(last.deadByScale()).isZero();
            assertThat(last.windowSamples()).isEqualTo(1280);
            // dead f1 holds 10,000 of 60,000 FLOPs
            assertThat(last.deadFlopsShare()).isEqualTo(10_000.0 / 60_000);
            assertThat(last.workers()).isEqualTo(1);
            List<FilterStat> f3 = got.stream().filter(r -> r.topic().equals(h.topics.filterStats()))
                    .map(r -> JsonMessages.fromJson(r.value(), FilterStat.class))
                    .filter(s -> s.runId().equals("xrun0") && s.layer().equals("conv0") && s.filter() == 3)
                    .toList();
            assertThat(f3).extracting(FilterStat::step, FilterStat::state).contains(
                    org.assertj.core.groups.Tuple.tuple(500L, FilterState.DEAD),
                    org.assertj.core.groups.Tuple.tuple(700L, FilterState.REVIVED));
            assertThat(f3.get(f3.size() - 1).stateSinceStep()).isEqualTo(700);
        }
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndGoodOnesAreAllProcessed() throws Exception {
        try (BrokerHarness h = new BrokerHarness("dlq", SETTINGS)) {
            List<Map.Entry<String, byte[]>> good = encoded(SnapshotStreams.story("d", 1, 2, 6, 1));
            Random random = new Random(7);
            byte[] sample = good.get(0).getValue();
            List<Map.Entry<String, byte[]>> bad = new ArrayList<>();
            byte[] noise = new byte[64];
            random.nextBytes(noise);
            bad.add(Map.entry("drun0/conv0", noise));                                       // random bytes
            bad.add(Map.entry("drun0/conv1", java.util.Arrays.copyOf(sample, 50)));         // truncated
            byte[] magic = sample.clone();
            magic[0] ^= 0x55;
            bad.add(Map.entry("drun0/conv0", magic));                                       // bad magic
            bad.add(Map.entry("someone/else", sample));                                     // key is not the snapshot's
            bad.add(Map.entry("drun0/conv1", new byte[0]));                                 // empty
            List<Map.Entry<String, byte[]>> inputs = new ArrayList<>();
            for (int i = 0; i < good.size(); i++) {
                inputs.add(good.get(i));
                if (i % 2 == 1 && i / 2 < bad.size()) {
                    inputs.add(bad.get(i / 2));
                }
            }
            assertThat(inputs).hasSize(good.size() + bad.size());
            Map<String, List<Out>> expected = h.reference(good);
            h.start("a");
            send(h, inputs);
            List<ConsumerRecord<String, byte[]>> got = h.read(h.outputTopics(), BrokerHarness.count(expected), 1000, 60_000);
            assertThat(BrokerHarness.byKeyAndTopic(BrokerHarness.distinctByKey(got)))
                    .isEqualTo(BrokerHarness.byKeyAndTopic(expected));
            List<ConsumerRecord<String, byte[]>> dead = h.read(List.of(h.topics.dlq()), bad.size(), 500, 30_000);
            assertThat(dead).hasSize(bad.size());
            List<ConsumerRecord<String, byte[]>> originals = h.read(List.of(h.topics.snapshots()), inputs.size(), 0, 30_000);
            for (ConsumerRecord<String, byte[]> d : dead) {
                assertThat(BrokerHarness.header(d, OutputRecords.REASON)).isNotBlank();
                assertThat(BrokerHarness.header(d, OutputRecords.TOPIC)).isEqualTo(h.topics.snapshots());
                int partition = Integer.parseInt(BrokerHarness.header(d, OutputRecords.PARTITION));
                long offset = Long.parseLong(BrokerHarness.header(d, OutputRecords.OFFSET));
                ConsumerRecord<String, byte[]> original = originals.stream()
                        .filter(o -> o.partition() == partition && o.offset() == offset).findFirst().orElseThrow();
                assertThat(d.value()).isEqualTo(original.value());
                assertThat(d.key()).isEqualTo(original.key());
            }
            assertThat(dead).extracting(d -> BrokerHarness.header(d, OutputRecords.REASON))
                    .anyMatch(r -> r.contains("undecodable"))
                    .anyMatch(r -> r.contains("is not the snapshot's key"));
        }
    }

    @Test
    void twoMembersGiveWhatOneGives() throws Exception {
        // two workers per run: the merge must see the same order whoever owns the partition
        try (BrokerHarness h = new BrokerHarness("two", SETTINGS)) {
            List<Map.Entry<String, byte[]>> inputs = encoded(SnapshotStreams.story("t", 3, 2, 8, 2));
            Map<String, List<Out>> expected = h.reference(inputs);
            int half = inputs.size() / 2;
            BrokerHarness.Member a = h.start("a");
            send(h, inputs.subList(0, half));
            awaitRecords(a, half);
            BrokerHarness.Member b = h.start("b"); // joins mid-stream: partitions move and are replayed
            send(h, inputs.subList(half, inputs.size()));
            List<ConsumerRecord<String, byte[]>> got = h.read(h.outputTopics(), BrokerHarness.count(expected), 2000, 90_000);
            assertThat(BrokerHarness.byKeyAndTopic(BrokerHarness.distinctByKey(got)))
                    .isEqualTo(BrokerHarness.byKeyAndTopic(expected));
            assertThat(a.loop.assignment()).isNotEmpty();
            assertThat(b.loop.assignment()).isNotEmpty();
            assertThat(a.counters.deadLetters.sum() + b.counters.deadLetters.sum()).isZero();
        }
    }

    @Test
    void aRestartMidStreamGivesTheSameRecords() throws Exception {
        try (BrokerHarness h = new BrokerHarness("restart", SETTINGS)) {
            List<Map.Entry<String, byte[]>> inputs = encoded(SnapshotStreams.story("r", 2, 2, 10, 1));
            Map<String, List<Out>> expected = h.reference(inputs);
            int half = inputs.size() / 2;
            BrokerHarness.Member a = h.start("a");
            send(h, inputs.subList(0, half));
            awaitRecords(a, half);
            a.stop();
            send(h, inputs.subList(half, inputs.size()));
            BrokerHarness.Member a2 = h.start("a2");
            List<ConsumerRecord<String, byte[]>> got = h.read(h.outputTopics(), BrokerHarness.count(expected), 2000, 90_000);
            assertThat(BrokerHarness.byKeyAndTopic(BrokerHarness.distinctByKey(got)))
                    .isEqualTo(BrokerHarness.byKeyAndTopic(expected));
            // a clean stop committed everything: the replay recomputed the first half without re-sending it
            assertThat(got).hasSize(BrokerHarness.count(expected));
            assertThat(a2.counters.replayed.sum()).isEqualTo(half);
        }
    }

    private static void awaitRecords(BrokerHarness.Member m, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (m.counters.records.sum() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(m.counters.records.sum()).isGreaterThanOrEqualTo(n);
        Thread.sleep(300); // let the batch's commit land
    }

    @SuppressWarnings("unused")
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
