package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.PruningPlan;
import io.filterwatch.protocol.PruningPlanCalculator;

/**
 * The pruning plan of a run as the API serves it: the latest statistics of every filter and the topology
 * of the run's STARTED event, handed to {@link PruningPlanCalculator} (snapshot-protocol), which holds the
 * rule and the arithmetic (docs/metrics.md, "Pruning plan").
 */
public final class PruningPlanner {
    private PruningPlanner() {
    }

    public static PruningPlan plan(RunState run) {
        List<PruningPlanCalculator.LayerReadings> layers = new ArrayList<>();
        long step = run.lastStep();
        for (LatestLayerStats layer : run.layers()) {
            List<FilterStat> stats = layer.filters();
            List<PruningPlanCalculator.FilterReading> filters = new ArrayList<>(stats.size());
            for (FilterStat f : stats) {
                step = Math.max(step, f.step());
                filters.add(PruningPlanCalculator.FilterReading.of(f));
            }
            int filterCount = layer.latest() == null ? stats.size() : layer.latest().filterCount();
            layers.add(new PruningPlanCalculator.LayerReadings(layer.name(), layer.layerIndex(), filterCount, filters));
        }
        return PruningPlanCalculator.plan(run.runId(), step, run.topology(), layers);
    }
}
