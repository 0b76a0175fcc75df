package io.filterwatch.probe.stats;

import static io.filterwatch.probe.SnapshotBuilder.f;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.probe.state.LayerTracker;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import org.junit.jupiter.api.Test;

/**
 * Whole snapshots under AdamW (decoupled decay) through the probe: the dominance compares the
 * decay with the loss's normalised step, so a weak decay is no longer reported as dominating and
 * its falling gamma is not DYING; a filter the loss no longer moves is. Numbers by hand.
 */
class DecoupledDecayTest {

    /**
     * C = 2, AdamW wd 1e-2, K = 2. Both gammas fall 0.5, 0.45, 0.40, 0.35 (the same per filter).
     * f0: g 2e-4, rms 1e-3 -> dominance 1e-2 |gamma| (1e-3 + 1e-8) / 2e-4 = 0.0500005 |gamma| < 1:
     * never decaying, ALIVE throughout (against the raw gradient: 1e-2 * 0.5 / 2e-4 = 25, DYING).
     * f1: g 0 (the loss no longer moves it), rms 1e-6 -> the cap 1e6 > 1: decaying, DYING at the
     * third snapshot (the first cannot decay: nothing to compare with).
     */
    @Test
    void adamWWithWeakDecayIsNotDyingAndAFilterOnlyTheDecayMovesIs() {
        LayerTracker state = new LayerTracker(2, ProbeSettings.defaults().withWindowSamples(10).withExpectedWorkers(1)
                .withDyingSnapshots(2).withRefreshEvery(1));
        float[] gammas = {0.5f, 0.45f, 0.40f, 0.35f};
        FilterState[] f1States = {FilterState.ALIVE, FilterState.ALIVE, FilterState.DYING, FilterState.DYING};
        for (int i = 0; i < gammas.length; i++) {
            LayerTracker.Output o = state.accept(SnapshotBuilder.layer(2).step(100L * (i + 1))
                    .optimizer("adamw", 1e-3, 0, 1e-2)
                    .gamma(gammas[i], gammas[i]).gradGamma(2e-4f, 0f)
                    .rms(f(1e-3f, 1e-6f), f(1e-3f, 1e-3f), f(1e-3f, 1e-3f)).build());
            FilterStat f0 = o.filterStats().get(0);
            FilterStat f1 = o.filterStats().get(1);
            double gamma = gammas[i];
            double d0 = (double) 1e-3f + 1e-8;
            assertThat(f0.gammaDominance()).as("f0 step %d", i).isCloseTo(1e-2 * gamma * d0 / (double) 2e-4f,
                    within(1e-9));
            assertThat(f0.state()).as("f0 step %d", i).isEqualTo(FilterState.ALIVE);
            assertThat(f1.gammaDominance()).isEqualTo(Definitions.DOMINANCE_CAP);
            assertThat(f1.state()).as("f1 step %d", i).isEqualTo(f1States[i]);
            // AdamW's decay does not go through v: adaptive decay ratio exactly 1
            assertThat(f0.adaptiveDecayRatio()).isEqualTo(1.0);
            // share of the normalised step: wd |gamma| for both filters, median the same
            LayerStat ls = o.layerStats().get(0);
            assertThat(ls.medianRegulariserStepShare()).isCloseTo(1e-2 * gamma, within(1e-9));
        }
    }

    /**
     * Adam with coupled L2 1e-3, one snapshot. f0: |gamma| 0.5, g 2e-4, rms 1e-3: dominance
     * 5e-4 / 2e-4 = 2.5 (the normaliser cancels), share 5e-4 / (1e-3 + 1e-8) = 0.499995. f1: a dead
     * filter, g 0, |gamma| 0.01, rms = l2 |gamma| = 1e-5: share 1e-5 / (1e-5 + 1e-8) = 0.999001.
     * Median of the shares (two values): their mean, 0.749498.
     */
    @Test
    void adamWithL2ReportsTheRegularisersShareOfTheStep() {
        LayerTracker state = new LayerTracker(2, ProbeSettings.defaults().withWindowSamples(10).withExpectedWorkers(1));
        LayerTracker.Output o = state.accept(SnapshotBuilder.layer(2).optimizer("adam", 1e-3, 1e-3, 0)
                .gamma(0.5f, 0.01f).gradGamma(2e-4f, 0f)
                .rms(f(1e-3f, 1e-5f), f(1e-3f, 1e-3f), f(1e-3f, 1e-3f)).build());
        assertThat(o.filterStats().get(0).gammaDominance()).isCloseTo(2.5, within(1e-6));
        double share0 = 1e-3 * 0.5 / ((double) 1e-3f + 1e-8);
        double share1 = 1e-3 * (double) 0.01f / ((double) 1e-5f + 1e-8);
        assertThat(share0).isCloseTo(0.499995, within(1e-6));
        assertThat(share1).isCloseTo(0.999001, within(1e-6));
        assertThat(o.layerStats().get(0).medianRegulariserStepShare()).isCloseTo((share0 + share1) / 2, within(1e-12));
    }

    /** SGD keeps no second moment: no normalised step, no share (null), dominance as before. */
    @Test
    void sgdHasNoShare() {
        LayerTracker state = new LayerTracker(1, ProbeSettings.defaults().withWindowSamples(10).withExpectedWorkers(1));
        LayerTracker.Output o = state.accept(SnapshotBuilder.layer(1).optimizer("sgd", 0.1, 1e-3, 0)
                .gamma(0.5f).gradGamma(2e-4f).build());
        assertThat(o.filterStats().get(0).gammaDominance()).isCloseTo(2.5, within(1e-6));
        assertThat(o.layerStats().get(0).medianRegulariserStepShare()).isNull();
    }
}
