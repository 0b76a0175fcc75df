package io.filterwatch.protocol;

/**
 * The pruning rule: what a pruning plan does with one filter, judged from its latest statistics
 * ({@link FilterStat#deadByActivation()}, {@link FilterStat#gamma()}, {@link FilterStat#beta()}). The one
 * definition behind the aggregator's {@code GET /runs/{id}/pruning-plan} and the console's fallback plan
 * computed from InfluxDB's {@code filter_stats}, so the two cannot disagree (docs/metrics.md, "REST API").
 *
 * <ul>
 * <li>{@link Action#REMOVE}: dead by the activation test, or |gamma| &lt; {@link #DEAD_GAMMA} with beta &lt;= 0.
 *     With gamma ~ 0 the BN output is the constant beta, and ReLU of a non-positive constant is 0.</li>
 * <li>{@link Action#FOLD_INTO_NEXT_BIAS}: |gamma| &lt; {@link #DEAD_GAMMA} but beta &gt; 0 (and not dead by
 *     activation): the filter emits the constant {@link #foldedConstant ReLU(beta)} everywhere; removing it
 *     needs that constant folded into the next layer's bias.</li>
 * <li>{@link Action#KEEP}: everything else.</li>
 * </ul>
 *
 * A NaN beta is not &lt;= 0: with |gamma| &lt; 1e-3 it gives a fold of constant NaN (the aggregator's rule
 * as it always was). The probe quarantines snapshots with non-finite parameters, so a {@link FilterStat}
 * does not carry one; a non-finite gamma is never below the threshold, so it is kept unless dead by
 * activation.
 */
public final class PruningRule {

    /**
     * The paper's scale test (Mehta et al., CVPR 2019): |gamma_f| below this means the BN scale has
     * switched the filter off. Also the pruning plan's {@code gammaThreshold}.
     */
    public static final double DEAD_GAMMA = 1e-3;

    /** What the plan does with a filter. */
    public enum Action {
        KEEP,
        REMOVE,
        FOLD_INTO_NEXT_BIAS
    }

    private PruningRule() {
    }

    /** The scale test: |gamma| &lt; {@link #DEAD_GAMMA}; false for NaN and infinities. */
    public static boolean deadByScale(double gamma) {
        return Math.abs(gamma) < DEAD_GAMMA;
    }

    /** The rule, for one filter's latest statistics. */
    public static Action action(boolean deadByActivation, double gamma, double beta) {
        boolean tinyGamma = deadByScale(gamma);
        if (deadByActivation || (tinyGamma && beta <= 0)) {
            return Action.REMOVE;
        }
        return tinyGamma ? Action.FOLD_INTO_NEXT_BIAS : Action.KEEP;
    }

    /**
     * The value a filter emits at every position of every sample, or null when its output is not a
     * constant: what a pruning plan may remove (0) or remove with a fold (any other value).
     * <ul>
     * <li>With a ReLU of its own ({@code relu}): 0 when dead by the activation test (zero on every training
     *     sample); else ReLU(beta) when |gamma| &lt; {@link #DEAD_GAMMA} (gamma * x-hat taken as 0).</li>
     * <li>Without (its BN output joins a residual sum): beta when |gamma| &lt; {@link #DEAD_GAMMA}, of either
     *     sign, since no ReLU clips it before the sum. Dead by activation alone is not constant: the BN
     *     output is only known to be &lt;= 1e-12, and it still subtracts from the sum (docs/metrics.md,
     *     "Residual sums").</li>
     * </ul>
     */
    public static Double constantOutput(boolean deadByActivation, double gamma, double beta, boolean relu) {
        if (relu) {
            if (deadByActivation) {
                return 0.0;
            }
            return deadByScale(gamma) ? foldedConstant(beta) : null;
        }
        return deadByScale(gamma) ? beta : null;
    }

    /**
     * ReLU(beta): the value a {@link Action#FOLD_INTO_NEXT_BIAS} filter emits at every position, to add
     * (through the next layer's weights) to that layer's bias. Independent of gamma: the rule treats
     * gamma * x-hat as 0 once |gamma| is below the threshold.
     */
    public static double foldedConstant(double beta) {
        return Math.max(0.0, beta);
    }
}
