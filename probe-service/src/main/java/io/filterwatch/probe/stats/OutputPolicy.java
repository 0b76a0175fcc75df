package io.filterwatch.probe.stats;

/**
 * When a value "moved beyond tolerance" since the FilterStat last emitted for the filter.
 * Undefined (NaN) against defined always counts as moved; undefined against undefined never.
 */
public final class OutputPolicy {
    private OutputPolicy() {
    }

    /** |now - then| > tol * max(|now|, |then|): for gamma, beta, ||w||, mean and max response. */
    public static boolean relativeMoved(double now, double then, double tol) {
        Boolean undefined = undefinedMoved(now, then);
        return undefined != null ? undefined : Math.abs(now - then) > tol * Math.max(Math.abs(now), Math.abs(then));
    }

    /** |now - then| > tol: for fractions in [0,1] (activity rate, selectivity, spatial activity). */
    public static boolean absoluteMoved(double now, double then, double tol) {
        Boolean undefined = undefinedMoved(now, then);
        return undefined != null ? undefined : Math.abs(now - then) > tol;
    }

    /**
     * For a fraction estimated from R sampled rows (selectivity, spatial activity): moved when
     * |now - then| exceeds both tol and three standard errors of the difference of two such
     * estimates, 3 sqrt(2 p (1 - p) / R) with p = (now + then) / 2. Without the second bound the
     * sampling noise alone (1,024 rows, p = 0.2: 0.018 per independent window) would emit a
     * quarter of the filters every snapshot.
     */
    public static boolean sampledFractionMoved(double now, double then, double tol, int rows) {
        Boolean undefined = undefinedMoved(now, then);
        if (undefined != null) {
            return undefined;
        }
        double p = Math.min(1.0, Math.max(0.0, (now + then) / 2));
        double noise = rows > 0 ? 3 * Math.sqrt(2 * p * (1 - p) / rows) : 0.0;
        return Math.abs(now - then) > Math.max(tol, noise);
    }

    /**
     * max/min > factor for non-negative ratios (dominance, decay ratio), whose mini-batch noise is
     * multiplicative; 0 against non-zero counts as moved.
     */
    public static boolean factorMoved(double now, double then, double factor) {
        Boolean undefined = undefinedMoved(now, then);
        if (undefined != null) {
            return undefined;
        }
        if (now == then) {
            return false;
        }
        double lo = Math.min(now, then);
        double hi = Math.max(now, then);
        return lo <= 0.0 || hi / lo > factor;
    }

    private static Boolean undefinedMoved(double now, double then) {
        boolean a = Double.isNaN(now);
        boolean b = Double.isNaN(then);
        if (a || b) {
            return a != b;
        }
        return null;
    }
}
