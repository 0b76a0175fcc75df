package io.filterwatch.probe.stats;

import java.util.Arrays;

/** Quantiles of the defined (non-NaN) values, linear interpolation between closest ranks. */
public final class Quantiles {
    private Quantiles() {
    }

    /**
     * The q-quantile of the non-NaN values: sort ascending v[0..n-1], h = (n-1) q,
     * result = v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h]) (numpy's default).
     *
     * @return NaN when no value is defined
     */
    public static double quantile(double[] values, double q) {
        double[] v = new double[values.length];
        int n = 0;
        for (double x : values) {
            if (!Double.isNaN(x)) {
                v[n++] = x;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(v, 0, n);
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, n - 1);
        return v[lo] + (h - lo) * (v[hi] - v[lo]);
    }
}
