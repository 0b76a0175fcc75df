package io.filterwatch.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.QuantisedSample;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.protocol.SnapshotCodec;

class SyntheticRunTest {

    static final FleetSettings SETTINGS = FleetSettings.defaults().withRuns(1, 2).withPace(1, null, 10_000);

    @Test
    void theChosenShareDiesAndTheRestStaysAliveAndSelective() {
        RunTopology topology = ResNet50.topology();
        SamplePool pool = new SamplePool(topology, 16, 2, 1);
        FleetSettings s = new FleetSettings(1, 2, 100, 0.3, 1, null, 10_000, 0.2, 0, 0, 16, 32, 7, "t", "x", "zstd", "x", "db", "p",
                "a", Duration.ofSeconds(1), Duration.ofMillis(100));
        SyntheticRun run = new SyntheticRun("t-0", s, topology, pool, 7);
        assertThat((double) run.dyingFilters() / 26_560).isBetween(0.18, 0.22);

        long deadByScale = 0;
        long silent = 0;
        long selective = 0;
        long alive = 0;
        SplittableRandom random = new SplittableRandom(3);
        for (int l = 0; l < run.layerCount(); l++) {
            SyntheticRun.Parameters p = run.parameters(l, 10_000);
            LayerSnapshot snap = run.snapshot(l, p, 1, 10_000, 1_764_000_000_000L, 99, random);
            byte[] bytes = SnapshotCodec.encode(snap);
            LayerSnapshot back = SnapshotCodec.decode(bytes);
            assertThat(back.context().workerRank()).isEqualTo(1);
            assertThat(back.context().step()).isEqualTo(10_000);
            QuantisedSample sample = (QuantisedSample) back.sample();
            int c = snap.filterCount();
            for (int f = 0; f < c; f++) {
                boolean dead = Math.abs(p.gamma()[f]) < 1e-3;
                if (dead) {
                    deadByScale++;
                    assertThat(back.activity().activeCount()[f]).isZero();
                    assertThat(sample.scales()[f]).isZero();
                    silent++;
                } else {
                    alive++;
                    assertThat(back.activity().activeCount()[f]).isPositive();
                    int zeros = 0;
                    for (int n = 0; n < 16; n++) {
                        zeros += sample.codes()[f * 16 + n] == 0 ? 1 : 0;
                    }
                    if (zeros >= 16 * 0.3) {
                        selective++;
                    }
                }
            }
        }
        assertThat(deadByScale).isEqualTo(silent).isEqualTo(run.dyingFilters());
        assertThat((double) selective / alive).as("alive filters ignoring a third of the sample or more").isGreaterThan(0.5);

        // halfway, before any death step passed (30% of the run at the earliest), nothing is dead yet
        SyntheticRun.Parameters early = run.parameters(0, 2_000);
        for (float g : early.gamma()) {
            assertThat(Math.abs(g)).isGreaterThan(1e-3f);
        }
    }

    @Test
    void plannedRoundsFollowPaceAndBounds() {
        assertThat(SETTINGS.plannedRounds()).isEqualTo(100);
        FleetSettings realTime = FleetSettings.defaults().withPace(1, Duration.ofMinutes(3), 0);
        assertThat(realTime.roundSeconds()).isEqualTo(30.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(realTime.plannedRounds()).isEqualTo(6);
        assertThat(realTime.stepsPerEpoch()).isEqualTo(5_005);
        assertThat(FleetSettings.defaults().withPace(60, Duration.ofMinutes(1), 0).plannedRounds()).isEqualTo(120);
    }
}
