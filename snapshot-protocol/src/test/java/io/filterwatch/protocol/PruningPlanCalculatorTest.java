package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.PruningPlanCalculator.FilterReading;
import io.filterwatch.protocol.PruningPlanCalculator.LayerReadings;

/** The plan without a usable topology, and with a versioned one it does not know: nothing removed, and it says why. */
class PruningPlanCalculatorTest {

    private static final List<LayerReadings> READINGS = List.of(new LayerReadings("conv1", 0, 4, List.of(
            new FilterReading(0, true, 0.5, -0.1),          // dead by activation
            new FilterReading(1, false, 1e-4, 0.3),         // tiny gamma
            new FilterReading(2, false, 0.8, 0.1))));       // alive

    @Test
    void withoutTopologyNothingIsRemovedAndTheCandidatesAreListed() {
        PruningPlan plan = PruningPlanCalculator.plan("r", 7, null, READINGS);
        assertThat(plan.topologyVersion()).isNull();
        assertThat(plan.note()).contains("no topology");
        assertThat(plan.removableFilters()).isZero();
        assertThat(plan.paramsSaved()).isNull();
        assertThat(plan.layers().get(0).blocked()).extracting(PruningPlan.Blocked::filter).containsExactly(0, 1);
    }

    @Test
    void aTopologyOfAnUnknownVersionIsNotGuessedAt() {
        RunTopology v2 = new RunTopology(2, "future", List.of(
                new RunTopology.Layer("conv1", 0, RunTopology.INPUT, 4, 1, 1, 1, 0, 8, 8, true)), List.of(),
                new RunTopology.Head("conv1", 10));
        PruningPlan plan = PruningPlanCalculator.plan("r", 7, v2, READINGS);
        assertThat(plan.note()).contains("version 2").contains("knows version 1");
        assertThat(plan.removableFilters()).isZero();
        // the same graph as version 1: conv1 (1x1, 1 -> 4, 8 x 8) feeding a 10-class head; #0 gives 0, #1 0.3
        // into the head (exact): 2 filters x (1 weight + gamma + beta) = 6, head 2 x 10 = 20 -> 26 parameters;
        // MACs 2 x 64 = 128 + 20 = 148
        PruningPlan v1 = PruningPlanCalculator.plan("r", 7, new RunTopology(1, v2.model(), v2.layers(), v2.sums(), v2.head()),
                READINGS);
        assertThat(v1.layers().get(0).removable()).containsExactly(0, 1);
        assertThat(v1.paramsSaved()).isEqualTo(26);
        assertThat(v1.flopsSaved()).isEqualTo(148);
        assertThat(v1.layers().get(0).folds()).containsExactly(new PruningPlan.Fold(1,
                List.of(new PruningPlan.FoldTarget("head", "bias", 0.3))));
    }
}
