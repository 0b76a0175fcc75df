package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import io.filterwatch.protocol.LayerStat;

/**
 * Derives {@code run_stats} from {@code layer_stats}, deterministically whatever the interleaving of
 * the layers' partitions: the value at step s uses, for each layer, its latest summary at or before s.
 * A late layer summary therefore recomputes every later step it affects; the last write of a point
 * (same run, same timestamp) is the value once all layers have reported, whatever the arrival order.
 * Only the last {@link #HISTORY} steps per layer and run are kept, which bounds memory per run.
 */
public final class RunStatsCalculator {
    static final int HISTORY = 64;

    private final Map<String, RunHistory> runs = new HashMap<>();

    /** Run stats at every retained step this layer summary changes, oldest first; complete ones are final. */
    public List<RunStats> onLayerStat(LayerStat stat) {
        RunHistory run = runs.computeIfAbsent(stat.runId(), id -> new RunHistory());
        NavigableMap<Long, LayerStat> layer = run.layers.computeIfAbsent(stat.layer(), l -> new TreeMap<>());
        // Steps after this layer's previous summary change: their value (from this step on) or their
        // completeness (between the previous summary and this one).
        long from = Math.min(stat.step(), layer.isEmpty() ? Long.MIN_VALUE : layer.lastKey() + 1);
        layer.put(stat.step(), stat);
        trim(layer);
        run.stepTimes.putIfAbsent(stat.step(), stat.wallClockMillis());
        trim(run.stepTimes);
        List<RunStats> out = new ArrayList<>();
        for (Map.Entry<Long, Long> step : run.stepTimes.tailMap(from, true).entrySet()) {
            out.add(aggregate(stat.runId(), run, step.getKey(), step.getValue()));
        }
        return out;
    }

    public void clear() {
        runs.clear();
    }

    private static RunStats aggregate(String runId, RunHistory run, long step, long wallClock) {
        int layers = 0, filters = 0, alive = 0, dying = 0, dead = 0, byActivation = 0, byScale = 0, silent = 0;
        boolean complete = true;
        for (NavigableMap<Long, LayerStat> history : run.layers.values()) {
            // Complete means every known layer has reported this step or a later one.
            complete &= history.lastKey() >= step;
            Map.Entry<Long, LayerStat> e = history.floorEntry(step);
            if (e == null) {
                continue;
            }
            LayerStat s = e.getValue();
            layers++;
            filters += s.filterCount();
            alive += s.alive();
            dying += s.dying();
            dead += s.dead();
            byActivation += s.deadByActivation();
            byScale += s.deadByScale();
            silent += s.silent();
        }
        return new RunStats(runId, step, wallClock, layers, filters, alive, dying, dead, byActivation, byScale, silent, complete);
    }

    private static void trim(NavigableMap<Long, ?> map) {
        while (map.size() > HISTORY) {
            map.pollFirstEntry();
        }
    }

    private static final class RunHistory {
        final Map<String, NavigableMap<Long, LayerStat>> layers = new HashMap<>();
        final NavigableMap<Long, Long> stepTimes = new TreeMap<>();
    }
}
