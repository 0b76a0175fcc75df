package io.filterwatch.probe.stats;

/**
 * When a value "moved beyond tolerance" since the FilterStat last emitted for the filter.
 * Undefined (NaN) against defined always counts as moved; undefined against undefined never.
 *
 * <p>Each test comes in two forms. The {@code ...Moved} methods are the definition. The
 * {@code ...Excess} methods are the same test as a number, made to be evaluated over all C filters
 * of a snapshot at once in loops the JIT compiles to vector instructions (subtraction, abs,
 * min/max, division, square root; no branch): positive exactly when the test says "moved", zero
 * or negative exactly when it says "not moved", and NaN when an undefined or infinite value
 * leaves it undecided, in which case the {@code ...Moved} method decides. The forms agree because
 * for doubles {@code a > b} holds exactly when {@code a - b > 0} (gradual underflow: a != b
 * implies a - b != 0), and a NaN makes every comparison false and every min and max NaN.
 * OutputPolicyTest holds the two forms side by side.
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

    /** {@link #relativeMoved} as a number: |now - then| - tol * max(|now|, |then|). */
    public static double relativeExcess(double now, double then, double tol) {
        return Math.abs(now - then) - tol * Math.max(Math.abs(now), Math.abs(then));
    }

    /** {@link #absoluteMoved} as a number: |now - then| - tol. */
    public static double absoluteExcess(double now, double then, double tol) {
        return Math.abs(now - then) - tol;
    }

    /**
     * {@link #sampledFractionMoved} as a number: min(|now - then| - tol, |now - then| - noise),
     * the noise bound computed operation for operation as there.
     */
    public static double sampledFractionExcess(double now, double then, double tol, int rows) {
        double diff = Math.abs(now - then);
        double p = Math.min(1.0, Math.max(0.0, (now + then) / 2));
        double noise = rows > 0 ? 3 * Math.sqrt(2 * p * (1 - p) / rows) : 0.0;
        return Math.min(diff - tol, diff - noise);
    }

    /**
     * {@link #factorMoved} as a number: min(hi - lo, max(hi / |lo| - factor, -lo)) with lo, hi the
     * smaller and larger of the two. hi - lo is 0 when they are equal (not moved); -lo is positive
     * for lo < 0 (moved); hi / |lo| is +Inf for lo = +-0 < hi (moved, and |lo| turns -0.0, whose
     * quotient would be -Inf, into +0.0); otherwise hi / lo - factor decides.
     */
    public static double factorExcess(double now, double then, double factor) {
        double lo = Math.min(now, then);
        double hi = Math.max(now, then);
        return Math.min(hi - lo, Math.max(hi / Math.abs(lo) - factor, -lo));
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
