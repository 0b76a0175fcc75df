package io.filterwatch.probe.stats;

import org.apache.commons.statistics.descriptive.NaNPolicy;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * Quantiles of the defined (non-NaN) values, linear interpolation between closest ranks: sort
 * ascending v[0..n-1], h = (n-1) q, result = v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h])
 * (Hyndman-Fan type 7, numpy's default). Computed by selection, not a full sort: the layer summary
 * takes six of them per snapshot over C values, C up to 2048.
 */
public final class Quantiles {
    private static final Quantile TYPE_7 = Quantile.withDefaults()
            .with(Quantile.EstimationMethod.HF7)
            .with(NaNPolicy.EXCLUDE)
            .withCopy(true); // selection reorders its input; the caller's arrays are left as they were

    private Quantiles() {
    }

    /** The q-quantiles of the non-NaN values, in the order asked; all NaN when no value is defined. */
    public static double[] of(double[] values, double... q) {
        return TYPE_7.evaluate(values, q);
    }
}
