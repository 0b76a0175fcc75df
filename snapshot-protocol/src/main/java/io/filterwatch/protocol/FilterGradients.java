package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * Per-filter loss-only gradients (the regulariser's term is NOT included; the probe adds
 * lambda * parameter itself), one element per filter.
 *
 * @param gradGamma      dLoss/dgamma_f
 * @param gradBeta       dLoss/dbeta_f
 * @param gradWeightNorm ||dLoss/dw_f||
 * @param rmsGamma       sqrt(v) of gamma_f as the optimizer divides by it; {@code null} for
 *                       non-adaptive optimizers (then rmsBeta and rmsWeight are null too)
 * @param rmsBeta        sqrt(v) of beta_f
 * @param rmsWeight      RMS over the filter's conv weights of sqrt(v): sqrt(mean_i v_i)
 */
public record FilterGradients(float[] gradGamma, float[] gradBeta, float[] gradWeightNorm,
                              float[] rmsGamma, float[] rmsBeta, float[] rmsWeight) {

    public boolean hasSecondMoments() {
        return rmsGamma != null;
    }

    void requireFilterCount(int c) {
        Checks.requireLength("gradGamma", gradGamma, c);
        Checks.requireLength("gradBeta", gradBeta, c);
        Checks.requireLength("gradWeightNorm", gradWeightNorm, c);
        boolean any = rmsGamma != null || rmsBeta != null || rmsWeight != null;
        if (any) {
            Checks.requireLength("rmsGamma", rmsGamma, c);
            Checks.requireLength("rmsBeta", rmsBeta, c);
            Checks.requireLength("rmsWeight", rmsWeight, c);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterGradients g
                && Arrays.equals(gradGamma, g.gradGamma)
                && Arrays.equals(gradBeta, g.gradBeta)
                && Arrays.equals(gradWeightNorm, g.gradWeightNorm)
                && Arrays.equals(rmsGamma, g.rmsGamma)
                && Arrays.equals(rmsBeta, g.rmsBeta)
                && Arrays.equals(rmsWeight, g.rmsWeight);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gradGamma) * 31 + Arrays.hashCode(gradBeta);
    }

    @Override
    public String toString() {
        return "FilterGradients[C=" + gradGamma.length + ", secondMoments=" + hasSecondMoments() + "]";
    }
}
