package io.filterwatch.probe.state;

import io.filterwatch.probe.stats.LayerMetrics;
import io.filterwatch.probe.stats.StateRules;
import io.filterwatch.protocol.FilterState;

/**
 * The life-cycle of a layer's filters under the state rules (docs/metrics.md, "State rules"): each
 * filter's state, the step it entered it, its streaks and what the decay test compares with next
 * time. A copy can be taken and put back, so that a late snapshot can evaluate a step again.
 */
final class FilterLives {
    final FilterState[] state;
    final long[] since;
    private final int[] decayStreak;
    private final int[] calmStreak;
    private final int[] inState;
    private final double[] previousAbsGamma;
    private final double[] previousActivity;

    FilterLives(int c) {
        state = new FilterState[c];
        since = new long[c];
        decayStreak = new int[c];
        calmStreak = new int[c];
        inState = new int[c];
        previousAbsGamma = new double[c];
        previousActivity = new double[c];
    }

    void copyFrom(FilterLives o) {
        int c = state.length;
        System.arraycopy(o.state, 0, state, 0, c);
        System.arraycopy(o.since, 0, since, 0, c);
        System.arraycopy(o.decayStreak, 0, decayStreak, 0, c);
        System.arraycopy(o.calmStreak, 0, calmStreak, 0, c);
        System.arraycopy(o.inState, 0, inState, 0, c);
        System.arraycopy(o.previousAbsGamma, 0, previousAbsGamma, 0, c);
        System.arraycopy(o.previousActivity, 0, previousActivity, 0, c);
    }

    /** Applies the state rules to filter f at this step; true when its state changed. */
    boolean advance(int f, LayerMetrics m, long step, int dyingSnapshots) {
        FilterState previous = state[f];
        double absGamma = Math.abs(m.gamma[f]);
        double activity = m.latestActivity[f];
        boolean decaying = previous != null
                && StateRules.decaying(m.gammaDominance[f], absGamma, previousAbsGamma[f], activity, previousActivity[f]);
        decayStreak[f] = decaying ? decayStreak[f] + 1 : 0;
        calmStreak[f] = decaying ? 0 : calmStreak[f] + 1;
        FilterState next = StateRules.next(previous, m.dead(f), m.silent[f], decayStreak[f], calmStreak[f], inState[f],
                dyingSnapshots);
        previousAbsGamma[f] = absGamma;
        previousActivity[f] = activity;
        if (next != previous) {
            state[f] = next;
            since[f] = step;
            inState[f] = 1;
            return true;
        }
        inState[f]++;
        return false;
    }
}
