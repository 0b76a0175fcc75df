package io.filterwatch.protocol;

import java.util.Arrays;

/**
 * Per-filter parameters, one array element per filter (length C).
 *
 * @param paramCount parameters that removing the filter would remove (its conv weights, BN pair,
 *                   and the next layer's input slice where known)
 * @param flops      multiply-accumulates per sample that removing the filter would save
 * @param gamma      BN scale gamma_f
 * @param beta       BN shift beta_f
 * @param weightNorm L2 norm of the filter's conv weights ||w_f||
 */
public record FilterParameters(int[] paramCount, long[] flops, float[] gamma, float[] beta, float[] weightNorm) {

    void requireFilterCount(int c) {
        Checks.requireLength("paramCount", paramCount, c);
        Checks.requireLength("flops", flops, c);
        Checks.requireLength("gamma", gamma, c);
        Checks.requireLength("beta", beta, c);
        Checks.requireLength("weightNorm", weightNorm, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterParameters p
                && Arrays.equals(paramCount, p.paramCount)
                && Arrays.equals(flops, p.flops)
                && Arrays.equals(gamma, p.gamma)
                && Arrays.equals(beta, p.beta)
                && Arrays.equals(weightNorm, p.weightNorm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gamma) * 31 + Arrays.hashCode(beta);
    }

    @Override
    public String toString() {
        return "FilterParameters[C=" + gamma.length + "]";
    }
}
