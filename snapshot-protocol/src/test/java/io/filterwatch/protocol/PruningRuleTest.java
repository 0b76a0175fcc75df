package io.filterwatch.protocol;

import static io.filterwatch.protocol.PruningRule.Action.FOLD_INTO_NEXT_BIAS;
import static io.filterwatch.protocol.PruningRule.Action.KEEP;
import static io.filterwatch.protocol.PruningRule.Action.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pruning rule on hand-worked filters: (dead by activation, gamma, beta) -> action, and the folded constant. */
class PruningRuleTest {

    static final double JUST_BELOW = 9.99e-4;
    static final double JUST_ABOVE = 1.001e-3;

    @Test
    void thresholdIsThePapersScaleTest() {
        assertThat(PruningRule.DEAD_GAMMA).isEqualTo(1e-3);
        assertThat(PruningRule.deadByScale(Math.nextDown(1e-3))).isTrue();
        assertThat(PruningRule.deadByScale(-Math.nextDown(1e-3))).isTrue();
        assertThat(PruningRule.deadByScale(1e-3)).isFalse();   // strictly below
        assertThat(PruningRule.deadByScale(-1e-3)).isFalse();
        assertThat(PruningRule.deadByScale(0.0)).isTrue();
        assertThat(PruningRule.deadByScale(Double.NaN)).isFalse();
        assertThat(PruningRule.deadByScale(Double.POSITIVE_INFINITY)).isFalse();
    }

    @Test
    void deadByActivationIsRemovedWhateverGammaAndBeta() {
        assertThat(PruningRule.action(true, 0.8, 0.05)).isEqualTo(REMOVE);         // healthy scale, never fires
        assertThat(PruningRule.action(true, 0.8, -0.2)).isEqualTo(REMOVE);
        assertThat(PruningRule.action(true, JUST_BELOW, 0.25)).isEqualTo(REMOVE);  // not a fold: its output is 0
        assertThat(PruningRule.action(true, Double.NaN, Double.NaN)).isEqualTo(REMOVE);
    }

    @Test
    void tinyGammaWithNonPositiveBetaIsRemoved() {
        // |gamma| = 9.99e-4 < 1e-3: BN outputs ~beta <= 0, ReLU(beta) = 0
        assertThat(PruningRule.action(false, JUST_BELOW, -0.2)).isEqualTo(REMOVE);
        assertThat(PruningRule.action(false, -JUST_BELOW, -0.2)).isEqualTo(REMOVE);  // |gamma|, not gamma
        assertThat(PruningRule.action(false, JUST_BELOW, 0.0)).isEqualTo(REMOVE);    // beta = 0 counts as <= 0
        assertThat(PruningRule.action(false, JUST_BELOW, -0.0)).isEqualTo(REMOVE);
        assertThat(PruningRule.action(false, 0.0, -1e-9)).isEqualTo(REMOVE);
    }

    @Test
    void gammaAtOrJustAboveTheThresholdIsKept() {
        assertThat(PruningRule.action(false, JUST_ABOVE, -0.2)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, -JUST_ABOVE, -0.2)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, 1e-3, -0.2)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, JUST_ABOVE, 0.25)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, 1e-3, 0.25)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, 0.8, 0.05)).isEqualTo(KEEP);
    }

    @Test
    void tinyGammaWithPositiveBetaIsFoldedIntoTheNextBias() {
        assertThat(PruningRule.action(false, JUST_BELOW, 0.25)).isEqualTo(FOLD_INTO_NEXT_BIAS);
        assertThat(PruningRule.action(false, -JUST_BELOW, 0.25)).isEqualTo(FOLD_INTO_NEXT_BIAS);
        assertThat(PruningRule.action(false, 0.0, Double.MIN_VALUE)).isEqualTo(FOLD_INTO_NEXT_BIAS);
    }

    @Test
    void foldedConstantIsReluOfBetaWhateverGamma() {
        // the filter emits gamma * x-hat + beta ~ beta after BN, ReLU(beta) after the ReLU; gamma is not used
        assertThat(PruningRule.foldedConstant(0.25)).isEqualTo(0.25);
        assertThat(PruningRule.foldedConstant(1.5)).isEqualTo(1.5);
        assertThat(PruningRule.foldedConstant(0.0)).isEqualTo(0.0);
        assertThat(PruningRule.foldedConstant(-0.2)).isEqualTo(0.0);
    }

    @Test
    void nonFiniteInputsKeepTheAggregatorsBehaviour() {
        // a non-finite gamma is never below the threshold: kept unless dead by activation
        assertThat(PruningRule.action(false, Double.NaN, -0.2)).isEqualTo(KEEP);
        assertThat(PruningRule.action(false, Double.NEGATIVE_INFINITY, -0.2)).isEqualTo(KEEP);
        // NaN is not <= 0: a tiny gamma with a NaN beta is a fold, of constant NaN (Math.max(0.0, NaN))
        assertThat(PruningRule.action(false, JUST_BELOW, Double.NaN)).isEqualTo(FOLD_INTO_NEXT_BIAS);
        assertThat(PruningRule.foldedConstant(Double.NaN)).isNaN();
    }

    @Test
    void constantOutputDependsOnWhetherTheLayerHasItsOwnRelu() {
        // with a ReLU: dead by activation is 0; a tiny gamma gives ReLU(beta)
        assertThat(PruningRule.constantOutput(true, 0.8, 0.3, true)).isEqualTo(0.0);
        assertThat(PruningRule.constantOutput(false, JUST_BELOW, 0.25, true)).isEqualTo(0.25);
        assertThat(PruningRule.constantOutput(false, JUST_BELOW, -0.2, true)).isEqualTo(0.0);
        assertThat(PruningRule.constantOutput(false, JUST_ABOVE, -0.2, true)).isNull();
        // without (a residual-sum input): beta itself, of either sign; dead by activation alone is not constant
        assertThat(PruningRule.constantOutput(false, JUST_BELOW, -0.2, false)).isEqualTo(-0.2);
        assertThat(PruningRule.constantOutput(true, 0.8, -0.2, false)).isNull();
        assertThat(PruningRule.constantOutput(true, JUST_BELOW, 0.1, false)).isEqualTo(0.1);
    }
}
