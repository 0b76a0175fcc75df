package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.RunTopology;

/** What the aggregator knows about one run: latest layer summaries, latest stats per filter, events, alerts. */
public final class RunState {
    private final String runId;
    private final Map<String, LatestLayerStats> layers = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, Alert> alerts = new LinkedHashMap<>();
    private volatile RunEvent lastEvent;
    /** The network's graph from the STARTED event (the latest one that carried it), for the pruning plan. */
    private volatile RunTopology topology;
    private volatile RunStats latestStats;
    private volatile Double lastLoss;
    private volatile Double lastAccuracy;
    private volatile long lastStep = -1;
    private volatile long lastWallClockMillis;

    RunState(String runId) {
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    void onLayerStat(LayerStat s) {
        layers.computeIfAbsent(s.layer(), LatestLayerStats::new).onLayerStat(s);
        seen(s.step(), s.wallClockMillis());
    }

    void onFilterStat(FilterStat s) {
        layers.computeIfAbsent(s.layer(), LatestLayerStats::new).onFilterStat(s);
        seen(s.step(), s.wallClockMillis());
    }

    void onRunEvent(RunEvent e) {
        if (lastEvent == null || e.step() >= lastEvent.step()) {
            lastEvent = e;
        }
        if (e.topology() != null) {
            topology = e.topology();
        }
        if (e.loss() != null) {
            lastLoss = e.loss();
        }
        if (e.accuracy() != null) {
            lastAccuracy = e.accuracy();
        }
        seen(e.step(), e.wallClockMillis());
    }

    void onRunStats(RunStats s) {
        RunStats current = latestStats;
        if (current == null || s.step() >= current.step()) {
            latestStats = s;
        }
    }

    void onAlert(Alert a, int maxAlerts) {
        synchronized (alerts) {
            // Re-inserting keeps the latest status of an episode and moves it to the end.
            alerts.remove(a.id());
            alerts.put(a.id(), a);
            while (alerts.size() > maxAlerts) {
                alerts.remove(alerts.keySet().iterator().next());
            }
        }
    }

    private void seen(long step, long wallClock) {
        if (step > lastStep) {
            lastStep = step;
        }
        if (wallClock > lastWallClockMillis) {
            lastWallClockMillis = wallClock;
        }
    }

    /** Latest status of each alert episode, oldest episode first. */
    public List<Alert> alerts() {
        synchronized (alerts) {
            return new ArrayList<>(alerts.values());
        }
    }

    public long openAlerts() {
        return alerts().stream().filter(a -> a.status() == Alert.Status.FIRING).count();
    }

    /** Layers by their index in the network. */
    public List<LatestLayerStats> layers() {
        List<LatestLayerStats> list = new ArrayList<>(layers.values());
        list.sort(Comparator.comparingInt(LatestLayerStats::layerIndex).thenComparing(LatestLayerStats::name));
        return list;
    }

    public Optional<LatestLayerStats> layer(String name) {
        return Optional.ofNullable(layers.get(name));
    }

    /** The finished/failed/stopped state from the run events, RUNNING before any terminal event. */
    public String status() {
        RunEvent e = lastEvent;
        if (e == null || e.type() == RunEvent.Type.STARTED || e.type() == RunEvent.Type.EPOCH_END) {
            return "RUNNING";
        }
        return e.type().name();
    }

    public Map<String, String> config() {
        RunEvent e = lastEvent;
        return e == null || e.config() == null ? Map.of() : e.config();
    }

    /** The run's topology as published, whatever its version (null when the trainer sent none). */
    public RunTopology topology() {
        return topology;
    }

    public RunStats latestStats() {
        return latestStats;
    }

    public Double lastLoss() {
        return lastLoss;
    }

    public Double lastAccuracy() {
        return lastAccuracy;
    }

    public long lastStep() {
        return lastStep;
    }

    public long lastWallClockMillis() {
        return lastWallClockMillis;
    }
}
