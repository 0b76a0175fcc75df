package io.filterwatch.aggregator.runs;

import java.util.List;

/**
 * What can be cut from a run's network now.
 *
 * @param gammaThreshold |gamma| below which the scale test calls a filter dead ({@code PruningRule.DEAD_GAMMA}, the paper's 1e-3)
 * @param removableFilters filters to remove outright plus those to remove with a bias fold
 * @param paramsSaved    parameters removed, null when a layer's per-filter cost is not known yet
 * @param flopsSaved     multiply-accumulates per sample removed, null when not known yet
 */
public record PruningPlan(
        String runId,
        long step,
        double gammaThreshold,
        int removableFilters,
        Long paramsSaved,
        Long flopsSaved,
        List<LayerPlan> layers) {

    /**
     * @param removable      filters whose output is zero: dead by the activation test, or |gamma| below the
     *                       threshold with beta <= 0 (ReLU of a non-positive constant)
     * @param foldIntoNextBias filters with |gamma| below the threshold but beta > 0: they emit the constant
     *                       ReLU(beta); removing them needs that constant folded into the bias of the next layer
     * @param nextLayer      the next captured layer by index, which receives the folded constants
     */
    public record LayerPlan(
            String layer,
            int layerIndex,
            int filterCount,
            List<Integer> removable,
            List<BiasFold> foldIntoNextBias,
            String nextLayer,
            Long paramsPerFilter,
            Long flopsPerFilter,
            Long paramsSaved,
            Long flopsSaved) {
    }

    /** @param constantOutput ReLU(beta): the value the filter emits at every position, to add to the next layer's bias */
    public record BiasFold(int filter, double gamma, double beta, double constantOutput) {
    }
}
