package io.filterwatch.console.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import io.filterwatch.aggregator.alert.AlertEngine;
import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.aggregator.pipeline.RecordDecoder;
import io.filterwatch.aggregator.pipeline.StreamProcessor;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.ProbeTopics;
import io.filterwatch.probe.consume.ProbeCounters;
import io.filterwatch.probe.consume.SnapshotProcessor;
import io.filterwatch.probe.publish.OutputRecords;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;

/**
 * The pipeline offline, through the services' own code: each recorded snapshot goes through the
 * probe's {@link SnapshotProcessor} (decode, validate, merge workers, statistics, the records it
 * would publish, as JSON), each of those and each run event through the aggregator's
 * {@link RecordDecoder} and {@link StreamProcessor} (run aggregates, the {@link AlertEngine}). The
 * alert clock ticks at each record's own time, so a gap in the data shows as silence when the next
 * record comes. No Kafka, no InfluxDB, no wall clock: the same input gives the same episodes.
 */
public final class Backtest {
    /** The dead share of a layer that counts as collapse: the lead time is measured to its crossing. */
    public static final double COLLAPSE_SHARE = 0.10;

    private static final int MAX_ALERTS_PER_RUN = 10_000;

    private final ProbeCounters probeCounters = new ProbeCounters();
    private final SnapshotProcessor probe;
    private final StreamProcessor aggregator;
    private final RecordDecoder decoder = new RecordDecoder(RecordDecoder.mapper());
    private final Map<String, RunOutcome.Builder> runs = new LinkedHashMap<>();
    private long lastTime = Long.MIN_VALUE;
    private long offset;
    private Consumer<LayerStat> layerListener = ls -> { };
    private Consumer<String> pointListener;

    public Backtest(ProbeSettings probeSettings, AlertSettings alertSettings) {
        this.probe = new SnapshotProcessor(probeSettings, new OutputRecords(ProbeTopics.standard()), probeCounters);
        this.aggregator = new StreamProcessor(new RunRegistry(MAX_ALERTS_PER_RUN), new AlertEngine(alertSettings));
    }

    /** Sees every layer summary the probe produced (the command's --layers). */
    public Backtest onLayerStats(Consumer<LayerStat> listener) {
        this.layerListener = listener;
        return this;
    }

    /**
     * Sees every line-protocol point the aggregator would write to InfluxDB (layer, filter and run
     * statistics, run events, alerts): what the study's report is built from.
     */
    public Backtest onPoints(Consumer<String> listener) {
        this.pointListener = listener;
        return this;
    }

    /** Replays a recording in the order the pipeline reads it ({@link Recording#inPipelineOrder}). */
    public void replay(List<Recording.Entry> entries) {
        for (Recording.Entry e : Recording.inPipelineOrder(entries)) {
            accept(e);
        }
    }

    /** One recorded input record: a snapshot for the probe, or a run event for the aggregator. */
    public void accept(Recording.Entry e) {
        tick(e.timestampMillis());
        ConsumerRecord<String, byte[]> in = new ConsumerRecord<>(e.topic(), 0, offset++, e.timestampMillis(), TimestampType.CREATE_TIME,
                -1, e.value().length, e.key(), e.value(), new RecordHeaders(), Optional.empty());
        if (e.kind() == Recording.Kind.RUN_EVENT) {
            aggregate(Topics.RUNS, e.value());
            return;
        }
        String runId = Topics.runIdOfKey(e.key());
        run(runId).snapshots++;
        for (ProducerRecord<String, byte[]> out : probe.process(in)) {
            if (out.topic().equals(Topics.SNAPSHOTS_DLQ)) {
                run(runId).deadLetters++;
            } else {
                aggregate(out.topic(), out.value());
            }
        }
    }

    /** The alert clock at {@code nowMillis} (never backwards). */
    public void tick(long nowMillis) {
        if (nowMillis > lastTime) {
            lastTime = nowMillis;
            if (pointListener == null) {
                record(aggregator.evaluateTick(nowMillis));
            } else {
                record(aggregator.evaluateTickWithPoints(nowMillis));
            }
        }
    }

    private void aggregate(String topic, byte[] json) {
        Object record;
        try {
            record = decoder.decode(topic, new String(json, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new IllegalArgumentException("recorded " + topic + " record is not valid JSON: " + ex.getMessage(), ex);
        }
        if (record instanceof LayerStat ls) {
            run(ls.runId()).onLayerStat(ls);
            layerListener.accept(ls);
        } else if (record instanceof RunEvent ev) {
            run(ev.runId()).onEvent(ev);
        }
        if (pointListener == null) {
            record(aggregator.evaluate(record));
        } else {
            record(aggregator.evaluateWithPoints(record));
        }
    }

    private void record(StreamProcessor.Offline out) {
        out.points().forEach(pointListener);
        record(out.alerts());
    }

    private void record(List<Alert> alerts) {
        for (Alert a : alerts) {
            run(a.runId()).onAlert(a);
        }
    }

    private RunOutcome.Builder run(String runId) {
        return runs.computeIfAbsent(runId, RunOutcome.Builder::new);
    }

    public List<RunOutcome> outcomes() {
        List<RunOutcome> out = new ArrayList<>();
        runs.values().forEach(b -> out.add(b.build()));
        return out;
    }
}
