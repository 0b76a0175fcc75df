package io.filterwatch.aggregator.runs;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.protocol.FilterStat;

/**
 * Builds a {@link PruningPlan} from the latest statistics of every filter. Costs per filter come from
 * the probe's layer summaries (dead parameters / dead filters: every filter of a conv layer costs the
 * same), and are unknown (null) for a layer that has never had a dead filter.
 */
public final class PruningPlanner {
    public static final double GAMMA_THRESHOLD = 1e-3;

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
                boolean tinyGamma = Math.abs(f.gamma()) < GAMMA_THRESHOLD;
                if (f.deadByActivation() || (tinyGamma && f.beta() <= 0)) {
                    removable.add(f.filter());
                } else if (tinyGamma) {
                    folds.add(new PruningPlan.BiasFold(f.filter(), f.gamma(), f.beta(), Math.max(0.0, f.beta())));
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
        return new PruningPlan(run.runId(), Math.max(step, run.lastStep()), GAMMA_THRESHOLD, removableTotal, paramsTotal, flopsTotal,
                plans);
    }
}
