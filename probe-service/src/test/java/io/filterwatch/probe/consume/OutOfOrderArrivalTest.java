package io.filterwatch.probe.consume;

import static io.filterwatch.probe.SnapshotBuilder.f;
import static io.filterwatch.probe.SnapshotBuilder.withRank;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.probe.bench.ProbeBenchmark;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.SnapshotCodec;

/**
 * Snapshots that do not arrive in step order: overtaken steps, a worker that lags behind the
 * others. Within the merge depth D (2) the outputs are those of in-order arrival, byte for byte;
 * beyond it the late snapshots are folded in, never dead-lettered.
 */
class OutOfOrderArrivalTest {
    private static final int C = 64;
    private static final int N = 16;
    private static final String KEY = "bench/conv";

    /** A processor fed record by record; collects every output and counts dead letters. */
    private static final class Feed {
        final ProbeCounters counters = new ProbeCounters();
        final SnapshotProcessor processor;
        final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        long offset;

        Feed(ProbeSettings settings) {
            processor = new SnapshotProcessor(settings, new OutputRecords(ProbeTopics.standard()), counters);
        }

        Feed send(List<LayerSnapshot> snapshots) {
            for (LayerSnapshot s : snapshots) {
                byte[] v = SnapshotCodec.encode(s);
                out.addAll(processor.process(new ConsumerRecord<>("filterwatch.snapshots", 0, offset++, 0L,
                        TimestampType.CREATE_TIME, 0, v.length, KEY, v, new RecordHeaders(), Optional.empty())));
            }
            return this;
        }

        /** Every output as text: topic, key, timestamp and JSON value, in order. */
        List<String> texts() {
            List<String> t = new ArrayList<>(out.size());
            for (ProducerRecord<String, byte[]> r : out) {
                t.add(r.topic() + " " + r.key() + " " + r.timestamp() + " " + new String(r.value(), StandardCharsets.UTF_8));
            }
            return t;
        }

        List<ProducerRecord<String, byte[]>> on(String topic) {
            return out.stream().filter(r -> r.topic().equals(topic)).toList();
        }

        LayerStat lastLayerStat() {
            List<ProducerRecord<String, byte[]>> l = on(ProbeTopics.standard().layerStats());
            return JsonMessages.fromJson(l.get(l.size() - 1).value(), LayerStat.class);
        }
    }

    private static void assertSameOutputs(Feed actual, Feed expected) {
        List<String> x = actual.texts(), y = expected.texts();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            assertThat(x.get(i)).as("output %d of %d", i, y.size()).isEqualTo(y.get(i));
        }
        assertThat(x).hasSameSizeAs(y);
    }

    private static List<LayerSnapshot> steps(int count, int workers, long seed) {
        Random random = new Random(seed);
        List<LayerSnapshot> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            for (int rank = 0; rank < workers; rank++) {
                all.add(withRank(ProbeBenchmark.snapshot(random, C, N, 100L * (i + 1)), rank));
            }
        }
        return all;
    }

    private static ProbeSettings settings() {
        // a short window, so that snapshots leave it and the dead test is decided during the run
        return ProbeSettings.defaults().withWindowSamples(20_000).withRefreshEvery(7);
    }

    @Test
    void swappedStepsGiveTheOutputsOfInOrderArrival() {
        List<LayerSnapshot> inOrder = steps(60, 1, 11);
        List<LayerSnapshot> swapped = new ArrayList<>(inOrder);
        // neighbours swapped, and one step overtaken by two newer ones (D = 2)
        for (int i : new int[] {1, 8, 20, 33, 47}) {
            Collections.swap(swapped, i, i + 1);
        }
        swapped.add(54, swapped.remove(52)); // 53, 54, 52: step 5300 waits for 5200... sent two later
        Feed a = new Feed(settings()).send(inOrder);
        Feed b = new Feed(settings()).send(swapped);
        assertSameOutputs(b, a);
        assertThat(a.on(ProbeTopics.standard().layerStats())).hasSize(60);
        assertThat(b.counters.deadLetters.sum()).isZero();
        assertThat(b.counters.placedLate.sum()).isZero();
    }

    @Test
    void aWorkerARoundBehindGivesTheOutputsOfLockstep() {
        List<LayerSnapshot> lockstep = steps(40, 2, 23);
        // rank 1's snapshot of step t comes after rank 0's of step t + 1
        List<LayerSnapshot> lagging = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lagging.add(lockstep.get(2 * i));
            if (i > 0) {
                lagging.add(lockstep.get(2 * i - 1));
            }
        }
        lagging.add(lockstep.get(79));
        Feed a = new Feed(settings()).send(lockstep);
        Feed b = new Feed(settings()).send(lagging);
        assertThat(b.counters.deadLetters.sum()).isZero();
        assertSameOutputs(b, a);
        assertThat(a.lastLayerStat().workers()).isEqualTo(2);
        assertThat(a.on(ProbeTopics.standard().layerStats())).hasSize(40);
    }

    @Test
    void aWorkerFurtherBehindThanTheDepthIsFoldedInNotDeadLettered() {
        List<LayerSnapshot> lockstep = steps(40, 2, 29);
        // rank 1 runs four rounds behind for the whole run (D = 2): all its snapshots are late
        List<LayerSnapshot> lagging = new ArrayList<>();
        List<LayerSnapshot> slow = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lagging.add(lockstep.get(2 * i));
            slow.add(lockstep.get(2 * i + 1));
            if (i >= 4) {
                lagging.add(slow.remove(0));
            }
        }
        lagging.addAll(slow);
        // a window long enough to hold the step a late snapshot belongs to (7 rank-0 snapshots)
        ProbeSettings settings = settings().withWindowSamples(40_000);
        Feed a = new Feed(settings).send(lockstep);
        Feed b = new Feed(settings).send(lagging);
        assertThat(b.counters.deadLetters.sum()).isZero();
        assertThat(b.counters.placedLate.sum()).isPositive();
        LayerStat x = a.lastLayerStat();
        LayerStat y = b.lastLayerStat();
        // the window holds the same training samples and the same two workers' data
        assertThat(y.step()).isEqualTo(x.step());
        assertThat(y.windowSamples()).isEqualTo(x.windowSamples());
        assertThat(y.workers()).isEqualTo(2);
        assertThat(y.deadByActivation()).isEqualTo(x.deadByActivation());
    }

    @Test
    void aFilterThatFiresOnlyOnTheSlowWorkersDataIsNotCalledDead() {
        // C = 2; filter 1 never fires on rank 0's samples, fires on rank 1's; rank 1 lags 3 rounds
        ProbeSettings settings = ProbeSettings.defaults().withWindowSamples(40);
        List<LayerSnapshot> fast = new ArrayList<>();
        List<LayerSnapshot> slow = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            fast.add(SnapshotBuilder.layer(2).run("bench").name("conv", 0).rank(0).step(100L * i)
                    .samples(10).max(1f, 0f).active(10, 0).sum(5, 0).sample(1, f(1f, 0f), f(0.5f, 0f)).build());
            slow.add(SnapshotBuilder.layer(2).run("bench").name("conv", 0).rank(1).step(100L * i)
                    .samples(10).max(1f, 0.5f).active(10, 2).sum(5, 0.5).sample(1, f(1f, 0.5f), f(0.5f, 0.1f)).build());
        }
        List<LayerSnapshot> stream = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            stream.add(fast.get(i));
            if (i >= 3) {
                stream.add(slow.get(i - 3));
            }
        }
        stream.addAll(slow.subList(9, 12));
        Feed feed = new Feed(settings).send(stream);
        assertThat(feed.counters.deadLetters.sum()).isZero();
        LayerStat last = feed.lastLayerStat();
        assertThat(last.step()).isEqualTo(1200);
        assertThat(last.deadByActivation()).isZero();
        assertThat(last.windowSamples()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void aSnapshotOlderThanTheWindowIsDeadLetteredWithItsReason() {
        ProbeSettings settings = ProbeSettings.defaults().withWindowSamples(20_000);
        List<LayerSnapshot> run = steps(20, 1, 31);
        Feed feed = new Feed(settings).send(run.subList(1, 20)).send(List.of(run.get(0)));
        assertThat(feed.counters.deadLetters.sum()).isEqualTo(1);
        ProducerRecord<String, byte[]> dl = feed.on(ProbeTopics.standard().dlq()).get(0);
        String reason = new String(dl.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("step 100 of worker 0").contains("older than the layer's window");
    }
}
