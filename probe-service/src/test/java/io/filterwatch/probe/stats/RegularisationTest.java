package io.filterwatch.probe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Dominance and decay ratio against numbers worked by hand. */
class RegularisationTest {

    private static final double EPS = 1e-8;

    /** SGD: D = 1; dominance and the other numbers need no second moment. */
    private static double sgd(double l2, double wd, double p, double g) {
        return Regularisation.dominance(l2, wd, p, g, Regularisation.normaliser(false, Double.NaN, EPS));
    }

    @Test
    void dominanceIsPullOverLossGradient() {
        // l2 1e-3, |gamma| 0.5 -> pull 5e-4; |dL/dgamma| 2e-4 -> 5e-4 / 2e-4 = 2.5
        assertThat(sgd(1e-3, 0, 0.5, -2e-4)).isCloseTo(2.5, within(1e-12));
        // coupled and decoupled summed (D = 1): (5e-4 + 5e-4) * 0.2 = 2e-4 over 1e-4 = 2
        assertThat(sgd(5e-4, 5e-4, -0.2, 1e-4)).isCloseTo(2.0, within(1e-12));
        // no regulariser: the pull is 0, whatever the gradient
        assertThat(sgd(0, 0, 0.5, 0.1)).isEqualTo(0.0);
    }

    @Test
    void zeroOverZeroIsUndefinedAndXOverZeroIsCapped() {
        // 0/0: gamma 0 and gradient 0 -> undefined
        assertThat(sgd(1e-3, 0, 0, 0)).isNaN();
        // x/0: pull 5e-4, gradient 0 -> the cap 1e6
        assertThat(sgd(1e-3, 0, 0.5, 0)).isEqualTo(Definitions.DOMINANCE_CAP);
        // 2e-3 / 1e-12 = 2e9 > cap -> 1e6
        assertThat(sgd(1e-3, 0, 2, 1e-12)).isEqualTo(Definitions.DOMINANCE_CAP);
        // non-finite input -> undefined
        assertThat(sgd(1e-3, 0, 0.5, Double.NaN)).isNaN();
        assertThat(sgd(1e-3, 0, Double.POSITIVE_INFINITY, 1)).isNaN();
        // an adaptive optimizer whose rms is not finite, or a normaliser of 0 -> undefined
        assertThat(Regularisation.normaliser(true, Double.NaN, EPS)).isNaN();
        assertThat(Regularisation.dominance(0, 1e-2, 0.5, 1e-4, Double.NaN)).isNaN();
        assertThat(Regularisation.dominance(0, 1e-2, 0.5, 1e-4, 0.0)).isNaN();
    }

    // Per optimizer, moves per step in units of lr: the loss |g| / D, the regulariser
    // (l2 / D + wd) |p|, D = rms + eps (adaptive) or 1 (SGD); dominance = their ratio.

    @Test
    void sgdWithL2() {
        // |gamma| 0.5, g 2e-4, l2 1e-3: loss 2e-4, regulariser 1e-3 * 0.5 = 5e-4 -> 2.5
        double d = Regularisation.normaliser(false, Double.NaN, EPS);
        assertThat(d).isEqualTo(1.0);
        assertThat(Regularisation.dominance(1e-3, 0, 0.5, 2e-4, d)).isCloseTo(2.5, within(1e-12));
        // no normalised step under SGD: the share is undefined
        assertThat(Regularisation.stepShare(1e-3, 0, 0.5, Double.NaN, EPS)).isNaN();
    }

    @Test
    void adamWithCoupledL2() {
        // rms 1e-3 (sqrt(v_hat) of g + l2 gamma): D = 1.00001e-3. Loss 2e-4 / D = 0.199998,
        // regulariser 5e-4 / D = 0.499995: the same normaliser, ratio 2.5 as under SGD.
        double d = Regularisation.normaliser(true, 1e-3, EPS);
        assertThat(d).isCloseTo(1.00001e-3, within(1e-18));
        assertThat(Regularisation.dominance(1e-3, 0, 0.5, 2e-4, d)).isCloseTo(2.5, within(1e-12));
        // share of the normalised step: 5e-4 / 1.00001e-3 = 0.49999500005
        assertThat(Regularisation.stepShare(1e-3, 0, 0.5, 1e-3, EPS)).isCloseTo(0.49999500005, within(1e-10));
        // science.md's runaway: a dead filter (g = 0), v the regulariser's alone, rms = l2 |gamma|
        // = 1e-3 * 0.01 = 1e-5: share 1e-5 / (1e-5 + 1e-8) = 0.999000999: a full step lr * sign(gamma)
        assertThat(Regularisation.stepShare(1e-3, 0, 0.01, 1e-5, EPS)).isCloseTo(0.999000999, within(1e-9));
        assertThat(Regularisation.dominance(1e-3, 0, 0.01, 0, Regularisation.normaliser(true, 1e-5, EPS)))
                .isEqualTo(Definitions.DOMINANCE_CAP);
    }

    @Test
    void adamWComparesTheDecayWithTheLossesNormalisedStep() {
        // wd 1e-2, |gamma| 0.5, g 2e-4, rms 1e-3: the loss moves gamma by lr * 2e-4 / 1.00001e-3
        // = lr * 0.199998, the decay by lr * 1e-2 * 0.5 = lr * 5e-3: dominance 5e-3 / 0.199998
        // = 1e-2 * 0.5 * 1.00001e-3 / 2e-4 = 0.0250002500. (Against the raw gradient, as before:
        // 1e-2 * 0.5 / 2e-4 = 25, a weak decay reported as dominating.)
        double d = Regularisation.normaliser(true, 1e-3, EPS);
        assertThat(Regularisation.dominance(0, 1e-2, 0.5, 2e-4, d)).isCloseTo(0.02500025, within(1e-12));
        // its share of the normalised step: wd |gamma| = 5e-3, whatever v is
        assertThat(Regularisation.stepShare(0, 1e-2, 0.5, 1e-3, EPS)).isCloseTo(5e-3, within(1e-15));
        assertThat(Regularisation.stepShare(0, 1e-2, 0.5, 7.0, EPS)).isCloseTo(5e-3, within(1e-15));
        // conv weights with the filter's RMS: ||w|| 2, ||g_w|| 1e-3, rms_w 5e-4: D = 5.0001e-4,
        // 1e-2 * 2 * 5.0001e-4 / 1e-3 = 0.0100002
        assertThat(Regularisation.dominance(0, 1e-2, 2, 1e-3, Regularisation.normaliser(true, 5e-4, EPS)))
                .isCloseTo(0.0100002, within(1e-12));
    }

    @Test
    void adagradWithL2() {
        // rms = sqrt(h) 0.05: the shared normaliser cancels, dominance 1e-3 * 0.5 / 2e-4 = 2.5;
        // share 5e-4 / (0.05 + 1e-8) = 0.0099999980000004
        assertThat(Regularisation.dominance(1e-3, 0, 0.5, 2e-4, Regularisation.normaliser(true, 0.05, EPS)))
                .isCloseTo(2.5, within(1e-12));
        assertThat(Regularisation.stepShare(1e-3, 0, 0.5, 0.05, EPS)).isCloseTo(0.009999998, within(1e-14));
    }

    @Test
    void rmspropWithL2() {
        // l2 5e-4, |gamma| 0.2, g -1e-4, rms = sqrt(n) 2e-4: dominance 5e-4 * 0.2 / 1e-4 = 1.0;
        // share 1e-4 / (2e-4 + 1e-8) = 0.49997500125
        assertThat(Regularisation.dominance(5e-4, 0, -0.2, -1e-4, Regularisation.normaliser(true, 2e-4, EPS)))
                .isCloseTo(1.0, within(1e-12));
        assertThat(Regularisation.stepShare(5e-4, 0, -0.2, 2e-4, EPS)).isCloseTo(0.49997500125, within(1e-11));
    }

    @Test
    void stepShareUndefinedAndZeroCases() {
        // no regulariser: it takes none of the step
        assertThat(Regularisation.stepShare(0, 0, 0.5, 1e-3, EPS)).isEqualTo(0.0);
        // rms 0 and eps 0 under L2: the optimizer would divide by 0
        assertThat(Regularisation.stepShare(1e-3, 0, 0.5, 0, 0)).isNaN();
        // non-finite input
        assertThat(Regularisation.stepShare(1e-3, 0, Double.NaN, 1e-3, EPS)).isNaN();
        assertThat(Regularisation.stepShare(1e-3, 0, 0.5, Double.POSITIVE_INFINITY, EPS)).isNaN();
    }

    @Test
    void adaptiveDecayRatioAgainstSgd() {
        // pure L2 under Adam: 1/(rms + eps) = 1/(1e-4 + 1e-8) = 9999.00009999...
        assertThat(Regularisation.adaptiveDecayRatio(1e-3, 0, 1e-4, 1e-8)).isCloseTo(1 / 1.0001e-4, within(1e-6));
        // pure decoupled decay (AdamW): the decay does not go through v -> exactly 1
        assertThat(Regularisation.adaptiveDecayRatio(0, 1e-2, 0.5, 1e-8)).isEqualTo(1.0);
        // both, eps 0: (1e-3/1e-3 + 1e-3) / (1e-3 + 1e-3) = 1.001 / 0.002 = 500.5
        assertThat(Regularisation.adaptiveDecayRatio(1e-3, 1e-3, 1e-3, 0)).isCloseTo(500.5, within(1e-9));
        // rms 0: bounded by 1/eps = 1e8
        assertThat(Regularisation.adaptiveDecayRatio(1e-3, 0, 0, 1e-8)).isCloseTo(1e8, within(1e-3));
    }

    @Test
    void adaptiveDecayRatioUndefinedCases() {
        // SGD keeps no second moment: no ratio
        assertThat(Regularisation.adaptiveDecayRatio(1e-3, 0, Double.NaN, 1e-8)).isNaN();
        // no regulariser: nothing to compare
        assertThat(Regularisation.adaptiveDecayRatio(0, 0, 1e-4, 1e-8)).isNaN();
        // rms 0 and eps 0 with L2: the optimizer itself would divide by 0
        assertThat(Regularisation.adaptiveDecayRatio(1e-3, 0, 0, 0)).isNaN();
    }

    @Test
    void quantilesInterpolateBetweenClosestRanks() {
        double[] v = {3, 1, Double.NaN, 2, 10};
        // defined, sorted: 1 2 3 10; median h = 3*0.5 = 1.5 -> 2 + 0.5*(3-2) = 2.5
        assertThat(Quantiles.of(v, 0.5)[0]).isEqualTo(2.5);
        // p90 h = 3*0.9 = 2.7 -> 3 + 0.7*(10-3) = 7.9
        assertThat(Quantiles.of(v, 0.9)[0]).isCloseTo(7.9, within(1e-12));
        assertThat(Quantiles.of(new double[] {Double.NaN}, 0.5)[0]).isNaN();
        assertThat(Quantiles.of(new double[] {4}, 0.9)[0]).isEqualTo(4);
        double[] both = Quantiles.of(v, 0.5, 0.9);
        assertThat(both[0]).isEqualTo(2.5);
        assertThat(both[1]).isCloseTo(7.9, within(1e-12));
        assertThat(v).as("input left alone").containsExactly(3, 1, Double.NaN, 2, 10);
    }

    @Test
    void outputTolerances() {
        assertThat(OutputPolicy.relativeMoved(1.04, 1.0, 0.05)).isFalse();
        assertThat(OutputPolicy.relativeMoved(1.06, 1.0, 0.05)).isTrue();
        assertThat(OutputPolicy.relativeMoved(0.0, 0.0, 0.05)).isFalse();
        assertThat(OutputPolicy.absoluteMoved(0.505, 0.5, 0.01)).isFalse();
        assertThat(OutputPolicy.absoluteMoved(Double.NaN, 0.5, 0.01)).isTrue();
        assertThat(OutputPolicy.absoluteMoved(Double.NaN, Double.NaN, 0.01)).isFalse();
        assertThat(OutputPolicy.factorMoved(3.9, 2.0, 2.0)).isFalse();
        assertThat(OutputPolicy.factorMoved(4.1, 2.0, 2.0)).isTrue();
        assertThat(OutputPolicy.factorMoved(0.0, 2.0, 2.0)).isTrue();
        // 1,024 rows around p = 0.2: noise bound 3 sqrt(2 * 0.2 * 0.8 / 1024) = 0.0530
        assertThat(OutputPolicy.sampledFractionMoved(0.24, 0.19, 0.02, 1024)).isFalse(); // p 0.215: bound 0.0544
        assertThat(OutputPolicy.sampledFractionMoved(0.26, 0.20, 0.02, 1024)).isTrue();  // p 0.23: bound 0.0558
        // many rows: the plain tolerance decides
        assertThat(OutputPolicy.sampledFractionMoved(0.525, 0.5, 0.02, 1_000_000)).isTrue();
        assertThat(OutputPolicy.sampledFractionMoved(Double.NaN, 0.5, 0.02, 10)).isTrue();
    }

    @Test
    void histogramBins() {
        assertThat(Definitions.histogramBin(0.0)).isEqualTo(0);
        assertThat(Definitions.histogramBin(0.25)).isEqualTo(2);
        assertThat(Definitions.histogramBin(0.999)).isEqualTo(9);
        assertThat(Definitions.histogramBin(1.0)).isEqualTo(9);
    }
}
