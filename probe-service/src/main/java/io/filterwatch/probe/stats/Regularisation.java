package io.filterwatch.probe.stats;

/**
 * Effective regularisation of one parameter group of one filter: what the regulariser removes per
 * step against what the loss moves per step, compared like with like for every optimizer. NaN is
 * the in-memory spelling of "undefined" (it becomes JSON null on output); no NaN ever leaves the probe.
 *
 * <p>Per step, with loss gradient g (the snapshot's, regulariser excluded), coupled L2 coefficient
 * l2, decoupled weight decay wd and the optimizer's normaliser D (the {@link #normaliser}: sqrt(v) +
 * eps for adaptive optimizers, 1 for SGD):
 * <ul>
 * <li>the loss moves p by {@code lr * |g| / D};</li>
 * <li>coupled L2 is added to the gradient and goes through the same normaliser:
 *     {@code lr * l2 * |p| / D};</li>
 * <li>decoupled decay (AdamW) shrinks p directly, past the normaliser: {@code lr * wd * |p|}.</li>
 * </ul>
 * docs/metrics.md, "Effective regularisation", says where this is exact and what it approximates
 * (the loss's move uses one mini-batch's g where Adam uses its first moment m_hat).
 */
public final class Regularisation {
    private Regularisation() {
    }

    /**
     * D: what the optimizer divides the gradient by. {@code |rms| + eps} for an adaptive optimizer
     * (rms = sqrt(v_hat) as the snapshot carries it), 1 for SGD (no second moment: pass NaN).
     * NaN when an adaptive optimizer's rms is not finite.
     *
     * @param adaptive whether the optimizer keeps second moments (the snapshot carries them)
     */
    public static double normaliser(boolean adaptive, double rms, double eps) {
        if (!adaptive) {
            return 1.0;
        }
        return Double.isFinite(rms) ? Math.abs(rms) + eps : Double.NaN;
    }

    /**
     * Regularisation dominance: the regulariser's move per step over the loss's move per step,
     * {@code (l2 / D + wd) |p| / (|g| / D) = (l2 + wd * D) * |p| / |g|}. Coupled L2 and the loss
     * share the normaliser, which cancels: {@code l2 |p| / |g|} under SGD, Adam, AdaGrad and RMSProp
     * alike. Decoupled decay does not go through it: under AdamW {@code wd * |p| * (rms + eps) / |g|},
     * its decay against the loss's normalised step (not against the raw gradient, which made AdamW
     * look dominated when its decay is weak).
     *
     * @param normaliser D, from {@link #normaliser}
     * @return NaN when undefined (0/0: no pull and no gradient; a non-finite input; D <= 0, where
     *         the optimizer itself would divide by zero), 0 when there is no pull,
     *         {@link Definitions#DOMINANCE_CAP} when the gradient is 0 (x/0) or the ratio exceeds the cap
     */
    public static double dominance(double l2, double weightDecay, double paramMagnitude, double gradMagnitude,
                                   double normaliser) {
        if (!(normaliser > 0.0) || !Double.isFinite(normaliser)) {
            return Double.NaN;
        }
        double pull = (l2 + weightDecay * normaliser) * Math.abs(paramMagnitude);
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
     * The regulariser's share of the normalised step (science.md's mechanism): its move per step in
     * units of lr, {@code (l2 / (rms + eps) + wd) * |p|}. An adaptive optimizer's normalised step
     * m_hat / (sqrt(v_hat) + eps) is about 1 per parameter at most, so this is the part of a full
     * step the regulariser makes: under Adam with L2 it tends to 1 when the regulariser's gradient
     * is all v sees (v ~ (l2 p)^2, the step ~ lr * sign(p) whatever l2 is); under AdamW it is wd |p|.
     *
     * @param rms sqrt(v_hat) of p as the optimizer divides by it; NaN without second moments (SGD:
     *            no normalised step, the share is undefined)
     * @return NaN when undefined: no second moment, non-finite input, or rms + eps = 0 under L2;
     *         0 without regulariser
     */
    public static double stepShare(double l2, double weightDecay, double paramMagnitude, double rms, double eps) {
        if (!Double.isFinite(rms) || !Double.isFinite(paramMagnitude)) {
            return Double.NaN;
        }
        double d = Math.abs(rms) + eps;
        double coupled;
        if (l2 == 0.0) {
            coupled = 0.0;
        } else if (d > 0.0) {
            coupled = l2 / d;
        } else {
            return Double.NaN; // the optimizer itself would divide by zero
        }
        double share = (coupled + weightDecay) * Math.abs(paramMagnitude);
        return Double.isFinite(share) ? share : Double.NaN;
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
