package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;

/**
 * One layer of a run: its latest summary and the latest statistics of each filter (the probe only
 * sends a filter when it changed or on a refresh, so "latest" is its current state).
 */
public final class LatestLayerStats {
    private final String name;
    private final Map<Integer, FilterStat> filters = new ConcurrentHashMap<>();
    private volatile LayerStat latest;
    private volatile int layerIndex = Integer.MAX_VALUE;

    LatestLayerStats(String name) {
        this.name = name;
    }

    void onLayerStat(LayerStat s) {
        LayerStat current = latest;
        if (current == null || s.step() >= current.step()) {
            latest = s;
        }
        layerIndex = s.layerIndex();
    }

    void onFilterStat(FilterStat s) {
        filters.merge(s.filter(), s, (old, now) -> now.step() >= old.step() ? now : old);
        layerIndex = s.layerIndex();
    }

    public String name() {
        return name;
    }

    public int layerIndex() {
        return layerIndex;
    }

    public LayerStat latest() {
        return latest;
    }

    public List<FilterStat> filters() {
        List<FilterStat> list = new ArrayList<>(filters.values());
        list.sort(Comparator.comparingInt(FilterStat::filter));
        return list;
    }
}
