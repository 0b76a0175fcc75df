package io.filterwatch.aggregator.pipeline;

import java.util.List;

import io.filterwatch.aggregator.alert.AlertEngine;
import io.filterwatch.aggregator.alert.AlertRule;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.aggregator.runs.RunStatsCalculator;
import io.filterwatch.aggregator.sink.PointMapper;
import io.filterwatch.protocol.Alert;
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

    void process(Object record, boolean live, Batch out) {
        if (record instanceof LayerStat s) {
            onLayerStat(s, live, out);
        } else if (record instanceof FilterStat s) {
            registry.onFilterStat(s);
            if (live) {
                out.points.add(PointMapper.filterStat(s));
            }
        } else if (record instanceof RunEvent e) {
            registry.onRunEvent(e);
            if (live) {
                out.points.add(PointMapper.runEvent(e));
            }
        } else if (record instanceof Alert a) {
            // Our own alerts come back on the topic; they were written when raised, and must not feed the rules.
            if (AlertRule.isOwn(a.rule())) {
                return;
            }
            registry.onAlert(a);
            if (live) {
                out.points.add(PointMapper.alert(a));
            }
            raised(alerts.onProbeAlert(a), live, out);
        }
    }

    private void onLayerStat(LayerStat s, boolean live, Batch out) {
        registry.onLayerStat(s);
        if (live) {
            out.points.add(PointMapper.layerStat(s));
        }
        raised(alerts.onLayerStat(s), live, out);
        for (RunStats rs : runStats.onLayerStat(s)) {
            registry.onRunStats(rs);
            if (live) {
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
                out.points.add(PointMapper.alert(a));
            }
        }
    }
}
