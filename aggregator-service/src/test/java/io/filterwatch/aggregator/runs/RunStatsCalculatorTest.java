package io.filterwatch.aggregator.runs;

import static io.filterwatch.aggregator.TestData.layer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.LayerStat;

class RunStatsCalculatorTest {

    @Test
    void finalValuePerStepDoesNotDependOnTheInterleavingOfLayers() {
        List<LayerStat> conv1 = new ArrayList<>();
        List<LayerStat> conv2 = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            conv1.add(layer("r", "conv1", 0, i * 100L, 32, i));
            conv2.add(layer("r", "conv2", 1, i * 100L, 64, 2 * i));
        }
        Map<Long, RunStats> inOrder = lastPerStep(interleave(conv1, conv2, new Random(1)));
        for (int seed = 2; seed < 20; seed++) {
            assertThat(lastPerStep(interleave(conv1, conv2, new Random(seed)))).isEqualTo(inOrder);
        }
        RunStats at500 = inOrder.get(500L);
        assertThat(at500.filters()).isEqualTo(96);
        assertThat(at500.dead()).isEqualTo(15);
        assertThat(at500.layers()).isEqualTo(2);
        assertThat(at500.complete()).isTrue();
        assertThat(at500.deadFraction()).isEqualTo(15.0 / 96);
    }

    /** Each layer keeps its own order (one partition each); the two are merged randomly. */
    private static List<LayerStat> interleave(List<LayerStat> a, List<LayerStat> b, Random random) {
        List<LayerStat> out = new ArrayList<>();
        int i = 0, j = 0;
        while (i < a.size() || j < b.size()) {
            if (j >= b.size() || (i < a.size() && random.nextBoolean())) {
                out.add(a.get(i++));
            } else {
                out.add(b.get(j++));
            }
        }
        return out;
    }

    private static Map<Long, RunStats> lastPerStep(List<LayerStat> stats) {
        RunStatsCalculator calc = new RunStatsCalculator();
        Map<Long, RunStats> last = new HashMap<>();
        for (LayerStat s : stats) {
            for (RunStats rs : calc.onLayerStat(s)) {
                last.put(rs.step(), rs);
            }
        }
        return Collections.unmodifiableMap(last);
    }
}
