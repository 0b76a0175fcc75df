package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.PruningRule;

/**
 * Builds a {@link PruningPlan} from the latest statistics of every filter, judged by {@link PruningRule}
 * (shared with the console's fallback plan). Costs per filter come from
 * the probe's layer summaries (dead parameters / dead filters: every filter of a conv layer costs the
 * same), and are unknown (null) for a layer that has never had a dead filter.
 */
public final class PruningPlanner {
    private PruningPlanner() {
    }

    public static PruningPlan plan(RunState run) {
        List<LayerState> layers = run.layers();
        List<PruningPlan.LayerPlan> plans = new ArrayList<>();
        int removableTotal = 0;
        Long paramsTotal = 0L;
        Long flopsTotal = 0L;
        long step = -1;
        for (int i = 0; i < layers.size(); i++) {
            LayerState layer = layers.get(i);
            List<Integer> removable = new ArrayList<>();
            List<PruningPlan.BiasFold> folds = new ArrayList<>();
            for (FilterStat f : layer.filters()) {
                step = Math.max(step, f.step());
                switch (PruningRule.action(Boolean.TRUE.equals(f.deadByActivation()), f.gamma(), f.beta())) {
                    case REMOVE -> removable.add(f.filter());
                    case FOLD_INTO_NEXT_BIAS -> folds.add(new PruningPlan.BiasFold(f.filter(), f.gamma(), f.beta(),
                            PruningRule.foldedConstant(f.beta())));
                    case KEEP -> { }
                }
            }
            int count = removable.size() + folds.size();
            Long params = layer.paramsPerFilter() == null ? null : layer.paramsPerFilter() * count;
            Long flops = layer.flopsPerFilter() == null ? null : layer.flopsPerFilter() * count;
            if (count > 0) {
                paramsTotal = paramsTotal == null || params == null ? null : paramsTotal + params;
                flopsTotal = flopsTotal == null || flops == null ? null : flopsTotal + flops;
            }
            removableTotal += count;
            int filterCount = layer.latest() == null ? layer.filters().size() : layer.latest().filterCount();
            String next = i + 1 < layers.size() ? layers.get(i + 1).name() : null;
            plans.add(new PruningPlan.LayerPlan(layer.name(), layer.layerIndex(), filterCount, removable, folds, next,
                    layer.paramsPerFilter(), layer.flopsPerFilter(), params, flops));
        }
        return new PruningPlan(run.runId(), Math.max(step, run.lastStep()), PruningRule.DEAD_GAMMA, removableTotal, paramsTotal, flopsTotal,
                plans);
    }
}
