package io.filterwatch.aggregator.alert;

import java.util.Arrays;

import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.PruningRule;

/**
 * The rules' view of one layer's filters, from the probe's (sparse) FilterStats: which filters count
 * as dead, with hysteresis on the scale test, and the gamma dominance of the live ones. The probe's
 * scale test is a hard |gamma| < 1e-3; a filter whose gamma wanders around 1e-3 would enter and
 * leave the dead count every few snapshots, so here it stays dead until |gamma| reaches
 * {@code releaseGamma}. The activation test (one epoch without firing) needs no hysteresis.
 */
final class LayerView {
    private final double releaseGamma;
    private boolean[] known = new boolean[0];
    private boolean[] deadByActivation = new boolean[0];
    private boolean[] scaleDead = new boolean[0];
    private double[] gammaDominance = new double[0];
    private int knownCount;

    LayerView(double releaseGamma) {
        this.releaseGamma = releaseGamma;
    }

    void update(FilterStat f) {
        int i = f.filter();
        if (i < 0) {
            return;
        }
        if (i >= known.length) {
            int n = Math.max(i + 1, known.length * 2);
            known = Arrays.copyOf(known, n);
            deadByActivation = Arrays.copyOf(deadByActivation, n);
            scaleDead = Arrays.copyOf(scaleDead, n);
            gammaDominance = Arrays.copyOf(gammaDominance, n);
        }
        if (!known[i]) {
            known[i] = true;
            knownCount++;
        }
        deadByActivation[i] = Boolean.TRUE.equals(f.deadByActivation());
        double g = Math.abs(f.gamma());
        if (f.deadByScale() || g < PruningRule.DEAD_GAMMA) {
            scaleDead[i] = true;
        } else if (g >= releaseGamma || f.state() == FilterState.REVIVED) {
            scaleDead[i] = false;
        }
        gammaDominance[i] = f.gammaDominance() == null ? Double.NaN : f.gammaDominance();
    }

    /** True once every one of the layer's {@code filterCount} filters has been reported. */
    boolean covers(int filterCount) {
        return knownCount >= filterCount && filterCount > 0;
    }

    boolean dead(int i) {
        return deadByActivation[i] || scaleDead[i];
    }

    int deadCount(int filterCount) {
        int n = 0;
        for (int i = 0; i < Math.min(filterCount, known.length); i++) {
            if (known[i] && dead(i)) {
                n++;
            }
        }
        return n;
    }

    /** Median gamma dominance over the live filters whose value is defined; null if none (numpy's default quantile). */
    Double medianLiveGammaDominance(int filterCount) {
        double[] v = new double[Math.min(filterCount, known.length)];
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (known[i] && !dead(i) && !Double.isNaN(gammaDominance[i])) {
                v[n++] = gammaDominance[i];
            }
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(v, 0, n);
        double h = (n - 1) * 0.5;
        int lo = (int) Math.floor(h);
        return lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
    }
}
