package io.filterwatch.probe.stats;

/**
 * Effective regularisation of one parameter group of one filter. NaN is the in-memory spelling
 * of "undefined" (it becomes JSON null on output); no NaN ever leaves the probe.
 */
public final class Regularisation {
    private Regularisation() {
    }

    /**
     * Regularisation dominance: the regulariser's pull against the loss gradient,
     * {@code (l2 + wd) * |p| / |dL/dp|}. Coupled L2 adds {@code l2 * p} to the gradient; decoupled
     * weight decay subtracts {@code lr * wd * p} from the parameter, which is the step SGD would
     * take for a gradient {@code wd * p}: both are measured as that equivalent gradient and summed.
     *
     * @return NaN when undefined (0/0: no pull and no gradient; a non-finite input), 0 when
     *         there is no pull, {@link Definitions#DOMINANCE_CAP} when the gradient is 0 (x/0)
     *         or the ratio exceeds the cap
     */
    public static double dominance(double l2, double weightDecay, double paramMagnitude, double gradMagnitude) {
        double pull = (l2 + weightDecay) * Math.abs(paramMagnitude);
        double grad = Math.abs(gradMagnitude);
        if (!Double.isFinite(pull) || !Double.isFinite(grad)) {
            return Double.NaN;
        }
        if (grad == 0.0) {
            return pull == 0.0 ? Double.NaN : Definitions.DOMINANCE_CAP;
        }
        return Math.min(pull / grad, Definitions.DOMINANCE_CAP);
    }

    /**
     * Effective per-step decay of an adaptive optimizer against SGD with the same lr and
     * coefficients. Per step the regulariser removes, as a fraction of lr * |p|:
     * adaptive: {@code l2 / (rms + eps) + wd} (coupled L2 is divided by sqrt(v)+eps, decoupled decay
     * is not); SGD: {@code l2 + wd}. The ratio of the two:
     * {@code (l2 / (rms + eps) + wd) / (l2 + wd)}, i.e. 1/(rms+eps) for pure L2 and 1 for pure decoupled decay.
     * It is unit-bearing (1/gradient units) for pure L2, exactly as the shrink is.
     *
     * @param rms sqrt(v) of the parameter as the optimizer divides by it; NaN when the optimizer
     *            keeps no second moment (SGD): the ratio is then undefined, not 1
     * @return NaN when undefined: no second moment, no regulariser (l2 + wd == 0), non-finite input
     */
    public static double adaptiveDecayRatio(double l2, double weightDecay, double rms, double eps) {
        double sgd = l2 + weightDecay;
        if (!(sgd > 0.0) || !Double.isFinite(rms) || !Double.isFinite(sgd)) {
            return Double.NaN;
        }
        double denominator = Math.abs(rms) + eps;
        if (denominator == 0.0) {
            // rms 0 and eps 0: the optimizer itself would divide by zero; report undefined
            return l2 == 0.0 ? 1.0 : Double.NaN;
        }
        return (l2 / denominator + weightDecay) / sgd;
    }
}
