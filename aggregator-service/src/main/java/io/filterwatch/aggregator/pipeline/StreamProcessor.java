package io.filterwatch.aggregator.pipeline;

import java.time.Duration;
import java.util.List;

import io.filterwatch.aggregator.alert.AlertEngine;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.aggregator.runs.RunStatsCalculator;
import io.filterwatch.aggregator.sink.PointMapper;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * The deterministic heart of the aggregator: one decoded record in, state updated, outputs into the
 * batch. In replay mode (records before the committed offsets, re-read at start-up) only the state
 * is rebuilt; their outputs were already written before the restart.
 */
public final class StreamProcessor {
    private final RunRegistry registry;
    private final RunStatsCalculator runStats = new RunStatsCalculator();
    private final AlertEngine alerts;

    public StreamProcessor(RunRegistry registry, AlertEngine alerts) {
        this.registry = registry;
        this.alerts = alerts;
    }

    public RunRegistry registry() {
        return registry;
    }

    /** Forget everything: the pipeline is about to replay its partitions from the beginning. */
    public void reset() {
        registry.clear();
        runStats.clear();
        alerts.clear();
    }

    /**
     * Offline (the console's backtest): the record's effect on the state and the rules exactly as
     * live, and the alerts it raised; no point is built. Records must come as the pipeline reads
     * them: each partition in order, a step's filter summaries before its layer summary.
     */
    public List<Alert> evaluate(Object record) {
        Batch b = Batch.alertsOnly();
        process(record, true, b);
        return b.alerts;
    }

    /** Offline: the alert clock at {@code nowMillis}, as {@link #tick(long, Batch)}. */
    public List<Alert> evaluateTick(long nowMillis) {
        Batch b = Batch.alertsOnly();
        tick(nowMillis, b);
        return b.alerts;
    }

    /** What the live pipeline does with one record or tick, offline: the alerts it raised and the line-protocol points it would write. */
    public record Offline(List<Alert> alerts, List<String> points) {
    }

    /**
     * Offline, as {@link #evaluate}, with the points InfluxDB would receive for the record (the
     * console's study builds its report from them, the same rows the report reads from InfluxDB).
     */
    public Offline evaluateWithPoints(Object record) {
        Batch b = new Batch();
        process(record, true, b);
        return new Offline(b.alerts, b.allPoints());
    }

    /** Offline: the alert clock at {@code nowMillis}, with the points of the alerts it raised. */
    public Offline evaluateTickWithPoints(long nowMillis) {
        Batch b = new Batch();
        tick(nowMillis, b);
        return new Offline(b.alerts, b.allPoints());
    }

    void process(Object record, boolean live, Batch out) {
        if (record instanceof LayerStat s) {
            onLayerStat(s, live, out);
        } else if (record instanceof FilterStat s) {
            registry.onFilterStat(s);
            alerts.onFilterStat(s);
            if (live && out.keepsPoints) {
                out.points.add(PointMapper.filterStat(s));
            }
        } else if (record instanceof RunEvent e) {
            registry.onRunEvent(e);
            if (live && out.keepsPoints) {
                out.points.add(PointMapper.runEvent(e));
            }
            raised(alerts.onRunEvent(e), live, out);
        } else if (record instanceof Alert a) {
            // Our own alerts come back on the topic; they were written when raised, and must not feed the rules.
            if (AlertRule.isOwn(a.rule())) {
                return;
            }
            registry.onAlert(a);
            if (live && out.keepsPoints) {
                out.points.add(PointMapper.alert(a));
            }
            raised(alerts.onProbeAlert(a), live, out);
        }
    }

    /**
     * The clock tick: the run-silent and run-lost rules. Only called when the state is complete
     * (no partition replaying, consumer caught up): a run whose records are still unread is not silent.
     */
    Duration tickInterval() {
        return alerts.settings().silentCheckInterval();
    }

    void tick(long nowMillis, Batch out) {
        raised(alerts.onTick(nowMillis), true, out);
    }

    private void onLayerStat(LayerStat s, boolean live, Batch out) {
        registry.onLayerStat(s);
        if (live && out.keepsPoints) {
            out.points.add(PointMapper.layerStat(s));
        }
        raised(alerts.onLayerStat(s), live, out);
        for (RunStats rs : runStats.onLayerStat(s)) {
            registry.onRunStats(rs);
            if (live && out.keepsPoints) {
                out.runStats.put(rs.runId() + '\u0000' + rs.step(), PointMapper.runStats(rs));
            }
            raised(alerts.onRunStats(rs), live, out);
        }
    }

    private void raised(List<Alert> raised, boolean live, Batch out) {
        for (Alert a : raised) {
            registry.onAlert(a);
            if (live) {
                out.alerts.add(a);
                if (out.keepsPoints) {
                    out.points.add(PointMapper.alert(a));
                }
            }
        }
    }
}
