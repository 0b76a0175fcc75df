package io.filterwatch.probe.stats;

import io.filterwatch.protocol.FilterState;

/**
 * The life-cycle rules of one filter, evaluated once per merged snapshot, in this order
 * (docs/metrics.md, "State rules"):
 * <ol>
 * <li>dead by either of the paper's tests: DEAD;</li>
 * <li>else, silent over the trailing window (the early warning): SILENT;</li>
 * <li>else, was DEAD: REVIVED (it fires again and |gamma| is back above 1e-3);</li>
 * <li>else, decaying for K consecutive snapshots: DYING;</li>
 * <li>else, was DYING: back to ALIVE after K consecutive non-decaying snapshots, DYING until then;</li>
 * <li>else, was REVIVED: ALIVE once it has been REVIVED for K snapshots;</li>
 * <li>else ALIVE.</li>
 * </ol>
 */
public final class StateRules {
    private StateRules() {
    }

    /**
     * One snapshot "decays" when the regulariser wins on gamma (dominance &gt; 1) and |gamma| or
     * the snapshot's activity rate went down since the previous merged snapshot. Undefined values
     * (NaN) never count as decay.
     */
    public static boolean decaying(double gammaDominance, double absGamma, double previousAbsGamma,
                                   double activity, double previousActivity) {
        if (!(gammaDominance > 1.0)) {
            return false;
        }
        return absGamma < previousAbsGamma || activity < previousActivity;
    }

    /**
     * @param previous         state after the previous snapshot, null for the filter's first one
     * @param dead             dead by the paper's activation test (an epoch) or the scale test now
     * @param silent           silent over the trailing window now (the early warning)
     * @param decayStreak      consecutive decaying snapshots, this one included
     * @param calmStreak       consecutive non-decaying snapshots, this one included
     * @param snapshotsInState snapshots already spent in {@code previous} (>= 1 unless first)
     * @param k                K, {@code probe.state.dying-snapshots}
     */
    public static FilterState next(FilterState previous, boolean dead, boolean silent, int decayStreak,
                                   int calmStreak, int snapshotsInState, int k) {
        if (dead) {
            return FilterState.DEAD;
        }
        if (silent) {
            return FilterState.SILENT;
        }
        if (previous == FilterState.DEAD) {
            return FilterState.REVIVED;
        }
        if (decayStreak >= k) {
            return FilterState.DYING;
        }
        if (previous == FilterState.DYING) {
            return calmStreak >= k ? FilterState.ALIVE : FilterState.DYING;
        }
        if (previous == FilterState.REVIVED) {
            return snapshotsInState >= k ? FilterState.ALIVE : FilterState.REVIVED;
        }
        return FilterState.ALIVE;
    }
}
