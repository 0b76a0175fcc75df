package io.filterwatch.probe.state;

import static io.filterwatch.probe.SnapshotBuilder.f;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.probe.stats.Definitions;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;

/**
 * The metrics of whole snapshots against numbers worked by hand (C = 2..3, N = 2..4). The
 * expected value of each number is derived in the comment next to it.
 */
class LayerTrackerTest {
    private static final Offset<Double> REL = within(1e-9);

    private static ProbeSettings settings(long window) {
        // expectedWorkers 1: single-worker tests need no newer step to complete a step. Snapshots
        // cover 10 steps of batch 10 (100 training samples) with 10 captured samples: an epoch of
        // 10 x window training samples ends where the window is covered, so the paper's test and the
        // window's early warning decide at the same snapshot here
        return ProbeSettings.defaults().withWindowSamples(window).withEpochSamples(10 * window).withExpectedWorkers(1);
    }

    private static double rel(double expected) {
        return Math.abs(expected) * 1e-6 + 1e-15;
    }

    /**
     * C = 3, N = 4, one snapshot of 10 samples, window 10 samples (covered). Adam, l2 1e-3.
     * f0 healthy; f1 |gamma| = 5e-4 < 1e-3 (scale test); f2 never fires (activation test).
     */
    @Test
    void oneSnapshotThreeFilters() {
        LayerSnapshot s = SnapshotBuilder.layer(3)
                .gamma(0.5f, 0.0005f, -0.02f).beta(0.1f, 0.2f, -0.3f).weightNorm(2f, 1f, 0.5f)
                .gradGamma(1e-4f, 0f, 1e-5f).gradBeta(-2e-4f, 1e-3f, 0f).gradWeight(1e-5f, 1e-3f, 0f)
                .rms(f(1e-4f, 0f, 1e-5f), f(1f, 1f, 1f), f(1f, 1f, 1f))
                .samples(10).max(2f, 0.4f, 0f).active(8, 10, 0).sum(6.0, 2.0, 0.0)
                .flops(1000, 2000, 3000).paramCount(100, 100, 100)
                .sample(4,
                        // n0          n1                n2              n3
                        f(2f, 0.2f, 0f, 0.001f, 0.4f, 0f, 0f, 0.1f, 0f, 1.5f, 0.0003f, 0f),
                        f(0.5f, 0.25f, 0f, 0.25f, 1f, 0f, 0f, 0.5f, 0f, 0.75f, 0.25f, 0f))
                .build();
        LayerTracker state = new LayerTracker(3, settings(10));
        LayerTracker.Output out = state.accept(s);
        assertThat(out.rejection()).isNull();
        List<FilterStat> fs = out.filterStats();
        assertThat(fs).hasSize(3); // first snapshot: a refresh, every filter
        FilterStat f0 = fs.get(0), f1 = fs.get(1), f2 = fs.get(2);

        // f0: alive; activity 8/10; mean 6/10; M = 2, threshold 2e-3: 0.001 and 0 below -> 2/4
        assertThat(f0.state()).isEqualTo(FilterState.ALIVE);
        assertThat(f0.deadByActivation()).isFalse();
        assertThat(f0.deadByScale()).isFalse();
        assertThat(f0.windowSamples()).isEqualTo(10);
        assertThat(f0.windowMaxResponse()).isEqualTo(2f);
        assertThat(f0.activityRate()).isEqualTo(0.8);
        assertThat(f0.meanResponse()).isEqualTo(0.6);
        assertThat(f0.selectivity()).isEqualTo(0.5);
        // spatial: (0.5 + 0.25 + 0 + 0.75) / 4 = 0.375 (the wire carries the sum 1.5, exactly)
        assertThat(f0.spatialActivity()).isEqualTo(0.375);
        // gamma: 1e-3 * 0.5 / 1e-4 = 5; beta: 1e-3 * 0.1 / 2e-4 = 0.5; w: 1e-3 * 2 / 1e-5 = 200
        assertThat(f0.gammaDominance()).isCloseTo(5.0, within(rel(5)));
        assertThat(f0.betaDominance()).isCloseTo(0.5, within(rel(0.5)));
        assertThat(f0.weightDominance()).isCloseTo(200.0, within(rel(200)));
        // Adam, pure L2: 1 / (1e-4 + 1e-8) = 9999.0001
        assertThat(f0.adaptiveDecayRatio()).isCloseTo(1 / (1e-4 + 1e-8), within(rel(9999)));
        assertThat(f0.refresh()).as("a run's first FilterStat of each filter is full").isFalse();
        assertThat(f0.stateSinceStep()).isEqualTo(100);

        // f1: dead by scale (|5e-4| < 1e-3), still fires; M = 0.4, threshold 4e-4: only 0.0003 -> 1/4
        assertThat(f1.state()).isEqualTo(FilterState.DEAD);
        assertThat(f1.deadByScale()).isTrue();
        assertThat(f1.deadByActivation()).isFalse();
        assertThat(f1.activityRate()).isEqualTo(1.0);
        assertThat(f1.meanResponse()).isEqualTo(0.2);
        assertThat(f1.selectivity()).isEqualTo(0.25);
        // spatial: (0.25 + 1 + 0.5 + 0.25) / 4 = 0.5
        assertThat(f1.spatialActivity()).isEqualTo(0.5);
        // gamma: pull 5e-7 against a zero gradient -> the cap
        assertThat(f1.gammaDominance()).isEqualTo(Definitions.DOMINANCE_CAP);
        // beta: 1e-3 * 0.2 / 1e-3 = 0.2; w: 1e-3 * 1 / 1e-3 = 1
        assertThat(f1.betaDominance()).isCloseTo(0.2, within(rel(0.2)));
        assertThat(f1.weightDominance()).isCloseTo(1.0, within(rel(1)));
        // rms 0: 1 / (0 + 1e-8) = 1e8
        assertThat(f1.adaptiveDecayRatio()).isCloseTo(1e8, within(rel(1e8)));

        // f2: never fired over a covered window -> dead by activation; selectivity undefined (M = 0)
        assertThat(f2.state()).isEqualTo(FilterState.DEAD);
        assertThat(f2.deadByActivation()).isTrue();
        assertThat(f2.deadByScale()).isFalse();
        assertThat(f2.activityRate()).isEqualTo(0.0);
        assertThat(f2.selectivity()).isNull();
        assertThat(f2.spatialActivity()).isEqualTo(0.0);
        // gamma: 1e-3 * 0.02 / 1e-5 = 2; beta and w: pull against 0 -> cap
        assertThat(f2.gammaDominance()).isCloseTo(2.0, within(rel(2)));
        assertThat(f2.betaDominance()).isEqualTo(Definitions.DOMINANCE_CAP);
        assertThat(f2.weightDominance()).isEqualTo(Definitions.DOMINANCE_CAP);
        // 1 / (1e-5 + 1e-8) = 99900.0999
        assertThat(f2.adaptiveDecayRatio()).isCloseTo(1 / (1e-5 + 1e-8), within(rel(99900)));

        LayerStat ls = out.layerStats().get(0);
        assertThat(ls.filterCount()).isEqualTo(3);
        assertThat(ls.workers()).isEqualTo(1);
        assertThat(ls.alive()).isEqualTo(1);
        assertThat(ls.dead()).isEqualTo(2);
        assertThat(ls.dying()).isZero();
        assertThat(ls.revived()).isZero();
        assertThat(ls.deadByActivation()).isEqualTo(1);
        assertThat(ls.deadByScale()).isEqualTo(1);
        assertThat(ls.deadByBoth()).isZero();
        assertThat(ls.deadFraction()).isCloseTo(2.0 / 3, REL);
        assertThat(ls.deadByActivationFraction()).isCloseTo(1.0 / 3, REL);
        // selectivities 0.5 (bin 5) and 0.25 (bin 2); f2's is undefined and not counted
        assertThat(ls.selectivityHistogram()).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 0, 0);
        // gamma dominance {5, 1e6, 2}: median 5; p90 h = 1.8 -> 5 + 0.8 (1e6 - 5) = 800001
        assertThat(ls.medianGammaDominance()).isCloseTo(5.0, within(rel(5)));
        assertThat(ls.p90GammaDominance()).isCloseTo(800_001.0, within(1e-3));
        // beta {0.5, 0.2, 1e6}: median 0.5, p90 0.5 + 0.8 (1e6 - 0.5) = 800000.1
        assertThat(ls.medianBetaDominance()).isCloseTo(0.5, within(rel(0.5)));
        assertThat(ls.p90BetaDominance()).isCloseTo(800_000.1, within(1e-3));
        // w {200, 1, 1e6}: median 200
        assertThat(ls.medianWeightDominance()).isCloseTo(200.0, within(rel(200)));
        // decay {9999, 1e8, 99900}: median 99900.0999
        assertThat(ls.medianAdaptiveDecayRatio()).isCloseTo(1 / (1e-5 + 1e-8), within(rel(99900)));
        // dead f1, f2: FLOPs 2000 + 3000 of 6000; params 200 of 300
        assertThat(ls.deadFlops()).isEqualTo(5000);
        assertThat(ls.deadParams()).isEqualTo(200);
        assertThat(ls.deadFlopsShare()).isCloseTo(5.0 / 6, REL);
        assertThat(ls.deadParamsShare()).isCloseTo(2.0 / 3, REL);
        assertThat(ls.nonFiniteValues()).isZero();
        assertThat(ls.windowSamples()).isEqualTo(10);
        assertThat(ls.step()).isEqualTo(100);
        assertThat(ls.optimizer()).isEqualTo("adam");
    }

    /**
     * C = 2, N = 2 per snapshot, 10 samples each, window 20 samples. The window slides and the
     * max M_f falls, so the cached selectivity counts must be recounted at the new threshold.
     */
    @Test
    void windowSlidesAndSelectivityFollowsTheWindowMax() {
        LayerTracker state = new LayerTracker(2, settings(20).withRefreshEvery(1));
        // s1: f0 M = 1, threshold 1e-3: rows 1.0, 0.0005 -> 1/2. f1 silent, window 10 < 20: not covered
        LayerTracker.Output o1 = state.accept(SnapshotBuilder.layer(2).step(100)
                .max(1f, 0f).active(10, 0).sum(5, 0)
                .sample(2, f(1f, 0f, 0.0005f, 0f), f(1f, 0f, 0.5f, 0f)).build());
        assertThat(o1.filterStats().get(0).selectivity()).isEqualTo(0.5);
        // 100 training samples of an epoch of 200: the paper's test cannot decide yet
        assertThat(o1.filterStats().get(1).deadByActivation()).isNull();
        assertThat(o1.layerStats().get(0).activationTestDecided()).isFalse();
        assertThat(o1.filterStats().get(1).state()).isEqualTo(FilterState.ALIVE);

        // s2: window s1+s2 = 20 samples, covered. f0 M = max(1, 0.1) = 1: rows 1, 0.0005, 0.1, 0.0005 -> 2/4
        // f1 has never fired in a covered window -> dead by activation
        LayerTracker.Output o2 = state.accept(SnapshotBuilder.layer(2).step(200)
                .max(0.1f, 0f).active(10, 0).sum(1, 0)
                .sample(2, f(0.1f, 0f, 0.0005f, 0f), f(1f, 0f, 1f, 0f)).build());
        assertThat(o2.filterStats().get(0).selectivity()).isEqualTo(0.5);
        assertThat(o2.filterStats().get(0).windowSamples()).isEqualTo(20);
        assertThat(o2.filterStats().get(1).deadByActivation()).isTrue();
        assertThat(o2.filterStats().get(1).state()).isEqualTo(FilterState.DEAD);
        assertThat(o2.filterStats().get(1).stateSinceStep()).isEqualTo(200);

        // s3: 30 samples, s1 drops out (30 - 10 >= 20): window s2+s3. f0 M = max(0.1, 0.2) = 0.2,
        // threshold 2e-4: rows 0.1, 0.0005, 0.2, 0.0001 -> only 0.0001 below -> 1/4 (s2 recounted)
        // f1 fires again: M = 0.3, threshold 3e-4, rows 0, 0, 0.3, 0 -> 3/4; activity 5/20; REVIVED
        LayerTracker.Output o3 = state.accept(SnapshotBuilder.layer(2).step(300)
                .max(0.2f, 0.3f).active(10, 5).sum(1, 1)
                .sample(2, f(0.2f, 0.3f, 0.0001f, 0f), f(1f, 0.25f, 1f, 0f)).build());
        FilterStat f0 = o3.filterStats().get(0);
        FilterStat f1 = o3.filterStats().get(1);
        assertThat(f0.windowMaxResponse()).isEqualTo(0.2f); // the sampled max itself, a float
        assertThat(f0.selectivity()).isEqualTo(0.25);
        assertThat(f0.activityRate()).isEqualTo(1.0);
        // spatial f0: s2 rows 1, 1; s3 rows 1, 1 -> 1.0
        assertThat(f0.spatialActivity()).isEqualTo(1.0);
        assertThat(f1.deadByActivation()).isFalse();
        assertThat(f1.selectivity()).isEqualTo(0.75);
        assertThat(f1.activityRate()).isEqualTo(0.25);
        // spatial f1: (0 + 0 + 0.25 + 0) / 4
        assertThat(f1.spatialActivity()).isEqualTo(0.0625);
        assertThat(f1.state()).isEqualTo(FilterState.REVIVED);
        assertThat(f1.stateSinceStep()).isEqualTo(300);
        assertThat(o3.layerStats().get(0).revived()).isEqualTo(1);
    }

    /** K = 2. |gamma| falls while l2 |gamma| / |dL/dgamma| = 1e-3 * 0.4 / 1e-5 = 40 > 1. */
    @Test
    void stateMachineAliveDyingDeadRevived() {
        LayerTracker state = new LayerTracker(1, settings(1_000_000).withDyingSnapshots(2).withRefreshEvery(1));
        float[] gammas = {0.5f, 0.4f, 0.3f, 0.2f, 0.25f, 0.3f, 0.0005f, 0.5f, 0.5f, 0.5f};
        FilterState[] expected = {
            FilterState.ALIVE,   // first snapshot: nothing to decay from
            FilterState.ALIVE,   // 0.4 < 0.5, dominance 40: streak 1 < K
            FilterState.DYING,   // streak 2 = K
            FilterState.DYING,   // streak 3
            FilterState.DYING,   // 0.25 > 0.2: calm 1 < K
            FilterState.ALIVE,   // calm 2 = K
            FilterState.DEAD,    // |gamma| 5e-4 < 1e-3: scale test
            FilterState.REVIVED, // 0.5 again
            FilterState.REVIVED, // one snapshot in REVIVED so far < K
            FilterState.ALIVE};  // two snapshots in REVIVED = K
        long[] since = {100, 100, 300, 300, 300, 600, 700, 800, 800, 1000};
        for (int i = 0; i < gammas.length; i++) {
            LayerTracker.Output o = state.accept(SnapshotBuilder.layer(1).step(100L * (i + 1))
                    .gamma(gammas[i]).gradGamma(1e-5f).build());
            FilterStat fs = o.filterStats().get(0);
            assertThat(fs.state()).as("snapshot %d", i).isEqualTo(expected[i]);
            assertThat(fs.stateSinceStep()).as("since %d", i).isEqualTo(since[i]);
        }
    }

    /** Regulariser not dominating (dominance 0.04 < 1): a falling gamma is not "dying". */
    @Test
    void decayWithoutDominanceIsNotDying() {
        LayerTracker state = new LayerTracker(1, settings(1_000_000).withDyingSnapshots(2).withRefreshEvery(1));
        for (int i = 0; i < 5; i++) {
            LayerTracker.Output o = state.accept(SnapshotBuilder.layer(1).step(100L * (i + 1))
                    .gamma(0.5f - 0.05f * i).gradGamma(1e-2f).build());
            assertThat(o.filterStats().get(0).state()).isEqualTo(FilterState.ALIVE);
        }
    }

    /**
     * M = 3: merged snapshot 0 refreshes every filter; then the refreshes roll, filter f at merged
     * snapshots i with (i + f) mod 3 == 0 (f2 at 1, f1 at 2, f0 at 3); otherwise only moves beyond
     * tolerance are emitted.
     */
    @Test
    void emitsOnChangeBeyondToleranceAndOnRollingRefresh() {
        LayerTracker state = new LayerTracker(3, settings(1_000_000).withRefreshEvery(3));
        assertThat(state.accept(SnapshotBuilder.layer(3).step(100).gamma(1f, 1f, 1f).build()).filterStats())
                .extracting(FilterStat::filter, FilterStat::refresh).containsExactly(
                        tuple(0, false), tuple(1, false), tuple(2, false));
        // #1: f0 moves by 1% (< 5%): quiet; f1 by 10%: emitted, not a refresh; f2 steady but its refresh
        assertThat(state.accept(SnapshotBuilder.layer(3).step(200).gamma(1.01f, 1.1f, 1f).build()).filterStats())
                .extracting(FilterStat::filter, FilterStat::refresh)
                .containsExactly(tuple(1, false), tuple(2, true));
        // #2: f0 drifts to 1.04 (4% from the emitted 1.0): quiet; f1 steady: its refresh; LayerStat every time
        LayerTracker.Output two = state.accept(SnapshotBuilder.layer(3).step(300).gamma(1.04f, 1.1f, 1f).build());
        assertThat(two.filterStats()).extracting(FilterStat::filter, FilterStat::refresh)
                .containsExactly(tuple(1, true));
        assertThat(two.layerStats()).hasSize(1);
        // #3: f0's refresh (its value 1.04 reaches the output although it never moved beyond tolerance)
        assertThat(state.accept(SnapshotBuilder.layer(3).step(400).gamma(1.04f, 1.1f, 1f).build()).filterStats())
                .extracting(FilterStat::filter, FilterStat::refresh, FilterStat::gamma)
                .containsExactly(tuple(0, true, 1.04f));
        // #4: f2 again, M = 3 after its last refresh
        assertThat(state.accept(SnapshotBuilder.layer(3).step(500).gamma(1.04f, 1.1f, 1f).build()).filterStats())
                .extracting(FilterStat::filter, FilterStat::refresh).containsExactly(tuple(2, true));
    }

    /**
     * A refresh writes only InfluxSchema.FILTER_REFRESH_FIELDS, so only those values move the filter's
     * baseline. M = 2, filter 0 due at merged snapshots 2, 4, ...: ||w|| (not written by a refresh) drifting
     * 3% per refresh period stays measured against its last full FilterStat (1.0) and is sent full once the
     * drift passes 5%; gamma (written by a refresh) drifting the same is measured against each refresh.
     */
    @Test
    void aRefreshMovesOnlyTheBaselineOfTheValuesItWrites() {
        LayerTracker byWeight = new LayerTracker(1, settings(1_000_000).withRefreshEvery(2));
        float[] w = {1.00f, 1.02f, 1.03f, 1.045f, 1.06f};
        List<FilterStat> sent = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            sent.addAll(byWeight.accept(SnapshotBuilder.layer(1).step(100L * (i + 1)).weightNorm(w[i]).build()).filterStats());
        }
        // #0 full; #2 the refresh (3% from 1.00); #4 full: 6% from the 1.00 InfluxDB holds (2.9% from the refresh's 1.03)
        assertThat(sent).extracting(FilterStat::step, FilterStat::refresh, FilterStat::weightNorm)
                .containsExactly(tuple(100L, false, 1.00f), tuple(300L, true, 1.03f), tuple(500L, false, 1.06f));

        LayerTracker byGamma = new LayerTracker(1, settings(1_000_000).withRefreshEvery(2));
        float[] g = {1.00f, 1.02f, 1.03f, 1.045f, 1.06f};
        sent.clear();
        for (int i = 0; i < g.length; i++) {
            sent.addAll(byGamma.accept(SnapshotBuilder.layer(1).step(100L * (i + 1)).gamma(g[i]).build()).filterStats());
        }
        // #4: 2.9% from the 1.03 the refresh at #2 wrote: another refresh
        assertThat(sent).extracting(FilterStat::step, FilterStat::refresh, FilterStat::gamma)
                .containsExactly(tuple(100L, false, 1.00f), tuple(300L, true, 1.03f), tuple(500L, true, 1.06f));
    }

    /**
     * Steady values, C = 64, M = 20: after the first snapshot every round refreshes floor or ceil of
     * 64 / 20 filters (3 or 4, never all 64 at once), and every filter exactly once in any M rounds in a row.
     */
    @Test
    void rollingRefreshSpreadsTheLayerOverMRounds() {
        int c = 64, m = 20;
        LayerTracker state = new LayerTracker(c, settings(1_000_000).withRefreshEvery(m));
        float[] gamma = new float[c];
        Arrays.fill(gamma, 1f);
        assertThat(state.accept(SnapshotBuilder.layer(c).step(100).gamma(gamma).build()).filterStats()).hasSize(c);
        List<List<Integer>> rounds = new ArrayList<>();
        for (int i = 1; i <= 3 * m; i++) {
            rounds.add(state.accept(SnapshotBuilder.layer(c).step(100 + 100L * i).gamma(gamma).build()).filterStats()
                    .stream().peek(f -> assertThat(f.refresh()).isTrue()).map(FilterStat::filter).toList());
        }
        assertThat(rounds).allSatisfy(r -> assertThat(r.size()).isBetween(3, 4));
        for (int start = 0; start + m <= rounds.size(); start++) {
            List<Integer> seen = rounds.subList(start, start + m).stream().flatMap(List::stream).sorted().toList();
            assertThat(seen).as("rounds %d..%d", start + 1, start + m)
                    .containsExactlyElementsOf(IntStream.range(0, c).boxed().toList());
        }
    }

    /** NaN in a parameter quarantines the snapshot: flagged LayerStat, no FilterStat, no state change. */
    @Test
    void nonFiniteInputIsFlaggedAndQuarantined() {
        LayerTracker state = new LayerTracker(2, settings(10).withRefreshEvery(1));
        state.accept(SnapshotBuilder.layer(2).step(100).build());
        LayerTracker.Output bad = state.accept(SnapshotBuilder.layer(2).step(200)
                .gamma(Float.NaN, 1f).gradBeta(Float.POSITIVE_INFINITY, 1f).build());
        assertThat(bad.filterStats()).isEmpty();
        LayerStat ls = bad.layerStats().get(0);
        assertThat(ls.nonFiniteValues()).isEqualTo(2);
        assertThat(ls.step()).isEqualTo(200);
        assertThat(ls.alive()).isEqualTo(2); // the last good picture
        // responses the trainer zeroed and counted: reported, but the snapshot is used
        LayerTracker.Output zeroed = state.accept(SnapshotBuilder.layer(2).step(300).nonFinite(3).build());
        assertThat(zeroed.layerStats().get(0).nonFiniteValues()).isEqualTo(3);
        assertThat(zeroed.filterStats()).hasSize(2);
        assertThat(state.mergedSnapshots()).isEqualTo(2);
    }

    @Test
    void filterCountChangeIsRejected() {
        LayerTracker state = new LayerTracker(2, settings(10));
        assertThat(state.accept(SnapshotBuilder.layer(3).build()).rejection()).contains("filter count 3");
    }

    /** The window target becomes min(window-samples, epoch) once an epoch was seen whole. */
    @Test
    void learnsTheEpochSize() {
        LayerTracker state = new LayerTracker(1, settings(50_000).withEpochSamples(0));
        assertThat(state.windowTarget()).isEqualTo(50_000);
        assertThat(state.epochTrainingSamples()).isZero();
        state.accept(SnapshotBuilder.layer(1).step(100).epoch(0).samples(600).build());
        state.accept(SnapshotBuilder.layer(1).step(200).epoch(0).samples(600).build());
        assertThat(state.windowTarget()).isEqualTo(50_000);
        state.accept(SnapshotBuilder.layer(1).step(300).epoch(1).samples(600).build());
        // epoch 0 held 1200 captured samples; in training samples 2 snapshots x 10 steps x batch 10 = 200
        assertThat(state.windowTarget()).isEqualTo(1200);
        assertThat(state.epochTrainingSamples()).isEqualTo(200);
    }

    /**
     * The paper's test against the early warning, C = 3, by hand. Window 20 captured samples (2
     * snapshots), epoch 1,000 training samples (10 snapshots of 10 steps x batch 10). f0 fires every
     * snapshot; f1 fires at steps 100 and 400 only (a rare feature); f2 never fires.
     */
    @Test
    void theActivationTestSpansAnEpochAndSilentWarnsEarlier() {
        LayerTracker state = new LayerTracker(3, settings(20).withEpochSamples(1000).withRefreshEvery(1));
        LayerStat last = null;
        FilterStat f1 = null, f2 = null;
        for (int i = 1; i <= 16; i++) {
            long step = 100L * i;
            float m1 = step == 100 || step == 400 ? 0.5f : 0f;
            LayerTracker.Output o = state.accept(SnapshotBuilder.layer(3).step(step).gamma(0.5f, 0.5f, 0.5f)
                    .max(1f, m1, 0f).active(10, m1 > 0 ? 1 : 0, 0).sum(5, m1, 0).build());
            last = o.layerStats().get(0);
            f1 = o.filterStats().get(1);
            f2 = o.filterStats().get(2);
            if (step == 300) {
                // f1 and f2: window (200, 300) covered and silent: the early warning, not dead; the
                // paper's test cannot decide (300 of 1,000 training samples)
                assertThat(f2.silent()).isTrue();
                assertThat(f2.state()).isEqualTo(FilterState.SILENT);
                assertThat(f2.deadByActivation()).isNull();
                assertThat(f1.state()).isEqualTo(FilterState.SILENT);
                assertThat(last.silent()).isEqualTo(2);
                assertThat(last.dead()).isZero();
            }
            if (step == 600) {
                // f1 last fired at 400: silent over the window (500, 600), alive for the paper's test
                assertThat(f1.state()).isEqualTo(FilterState.SILENT);
                assertThat(f1.lastFiredStep()).isEqualTo(400L);
                assertThat(f1.deadByActivation()).isNull(); // 600 training samples of 1,000
            }
            if (step == 1000) {
                // 1,000 training samples: f2 never fired in a whole epoch -> dead; f1 fired 600 ago -> not
                assertThat(last.activationTestDecided()).isTrue();
                assertThat(f2.deadByActivation()).isTrue();
                assertThat(f2.state()).isEqualTo(FilterState.DEAD);
                assertThat(f2.lastFiredStep()).isNull();
                assertThat(f1.deadByActivation()).isFalse();
                assertThat(f1.state()).isEqualTo(FilterState.SILENT);
                assertThat(last.dead()).isEqualTo(1);
                assertThat(last.silent()).isEqualTo(1);
                assertThat(last.deadFraction()).isEqualTo(1.0 / 3);
            }
            if (step == 1300) {
                // f1's mark is the end of step 400's snapshot (400 training samples); 1,300 - 400 < 1,000
                assertThat(f1.deadByActivation()).isFalse();
            }
        }
        // from step 1,400 on: 1,400 - 400 = 1,000 training samples without a response -> dead by the paper's test
        assertThat(f1.deadByActivation()).isTrue();
        assertThat(f1.state()).isEqualTo(FilterState.DEAD);
        assertThat(last.dead()).isEqualTo(2);
        assertThat(last.alive() + last.dying() + last.dead() + last.revived() + last.silent()).isEqualTo(3);
    }
}
