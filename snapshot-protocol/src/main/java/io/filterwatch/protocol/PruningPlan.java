package io.filterwatch.protocol;

import java.util.List;

/**
 * What can be cut from a run's network now, exactly (the pruned network computes what the original does
 * in inference mode): computed by {@link PruningPlanCalculator} from the latest filter statistics and the
 * run's {@link RunTopology}; served by the aggregator ({@code GET /runs/{id}/pruning-plan}) and shown by
 * the console's report. Formulas: docs/metrics.md, "Pruning plan".
 *
 * @param gammaThreshold  |gamma| below which the scale test calls a filter dead ({@link PruningRule#DEAD_GAMMA})
 * @param topologyVersion the version of the topology the plan used; null when the run has none this
 *                        reader understands (then nothing is removable and {@code note} says why)
 * @param note            why the plan is limited, or null
 * @param removableFilters filters the plan removes, over all layers (a residual channel counts once per member)
 * @param paramsSaved     parameters removed, each weight once: conv weights, BN (gamma, beta), the head's
 *                        weights; null without a topology
 * @param flopsSaved      multiply-accumulates per sample removed; null without a topology
 * @param headParamsSaved the head's share of {@code paramsSaved} (its weights of removed channels)
 * @param layers          per captured conv layer, by index
 * @param residualGroups  per set of layers whose outputs join residual sums (their channels go together)
 */
public record PruningPlan(
        String runId,
        long step,
        double gammaThreshold,
        Integer topologyVersion,
        String note,
        int removableFilters,
        Long paramsSaved,
        Long flopsSaved,
        Long headParamsSaved,
        Long headFlopsSaved,
        List<LayerPlan> layers,
        List<ResidualGroup> residualGroups) {

    /**
     * @param residualGroup the group this layer's output channels belong to, or null (a plain layer)
     * @param removable     every filter the plan removes from this layer (output zero, or a constant folded)
     * @param folds         for a plain layer, the removed filters with a non-zero constant output and where it
     *                      goes; for a residual member the group lists them (the sum's constants differ)
     * @param blocked       filters dead or constant by the rule that the plan keeps, and why
     * @param paramsSaved   parameters removed from this layer's own tensors: its removed filters' weights,
     *                      the input slices of removed input channels (counted here, not at their producer),
     *                      and 2 (gamma, beta) per removed filter
     * @param flopsSaved    multiply-accumulates per sample removed from this layer's conv
     */
    public record LayerPlan(
            String layer,
            int layerIndex,
            int filterCount,
            String residualGroup,
            List<Integer> removable,
            List<Fold> folds,
            List<Blocked> blocked,
            Long paramsSaved,
            Long flopsSaved) {
    }

    /** A removed channel whose constant output other layers read: the fold keeps their outputs exact. */
    public record Fold(int filter, List<FoldTarget> into) {
    }

    /**
     * @param layer     a consumer conv layer, or {@code head}
     * @param parameter {@code bn.runningMean} for a conv consumer: running mean of output o minus
     *                  constant x sum over the kernel of the consumer's weights W[o, filter]; {@code bias}
     *                  for the head: bias o plus constant x W[o, filter]
     * @param constant  the value the consumer reads in that channel at every position
     */
    public record FoldTarget(String layer, String parameter, double constant) {
    }

    /** A dead or constant filter the plan keeps: {@code reason} says why (partners alive, an inexact fold, ...). */
    public record Blocked(int filter, String reason) {
    }

    /**
     * Layers whose outputs meet in residual sums, directly or through identity shortcuts: channel c of
     * every member and every sum is one channel of the residual stream, removable only as a whole.
     *
     * @param members   the conv layers whose outputs join (branch ends, projections, the layer feeding an
     *                  identity shortcut)
     * @param sums      the sums joining them, in forward order
     * @param removable channels removed from every member at once
     * @param folds     constants the removed channels leave in the stream, per consumer
     * @param blocked   channels where some member is dead or constant but not all, or a fold is inexact
     */
    public record ResidualGroup(String name, List<String> members, List<String> sums, List<Integer> removable,
                                List<Fold> folds, List<Blocked> blocked) {
    }
}
