package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * In-memory view of every run, rebuilt from the input topics at start-up (the pipeline replays them
 * from the beginning up to the committed offsets), which the REST API serves. Written by the single
 * consumer thread, read concurrently by HTTP threads: concurrent maps and immutable records only.
 */
public final class RunRegistry {
    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    private final int maxAlertsPerRun;

    public RunRegistry(int maxAlertsPerRun) {
        this.maxAlertsPerRun = maxAlertsPerRun;
    }

    public void onLayerStat(LayerStat s) {
        run(s.runId()).onLayerStat(s);
    }

    public void onFilterStat(FilterStat s) {
        run(s.runId()).onFilterStat(s);
    }

    public void onRunEvent(RunEvent e) {
        run(e.runId()).onRunEvent(e);
    }

    public void onRunStats(RunStats s) {
        run(s.runId()).onRunStats(s);
    }

    public void onAlert(Alert a) {
        run(a.runId()).onAlert(a, maxAlertsPerRun);
    }

    public Optional<RunState> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    public Collection<RunState> all() {
        List<RunState> list = new ArrayList<>(runs.values());
        list.sort(Comparator.comparing(RunState::runId));
        return list;
    }

    public void clear() {
        runs.clear();
    }

    private RunState run(String runId) {
        return runs.computeIfAbsent(runId, RunState::new);
    }
}
