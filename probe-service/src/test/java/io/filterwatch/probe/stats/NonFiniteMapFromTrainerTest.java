package io.filterwatch.probe.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.state.LayerTracker;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.SnapshotCodec;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Second half of the chain trainer capture -> snapshot -> probe numeric health for an all-NaN
 * response map. The fixture is the snapshot the trainer's capture makes of it, byte for byte
 * (trainer-service's NonFiniteMapSnapshotTest checks that it still does): one filter of two had a
 * map of NaN on one sample of each of the window's two captured steps, the second time in the
 * sampled rows.
 */
class NonFiniteMapFromTrainerTest {

    private static LayerSnapshot fixture() throws Exception {
        try (InputStream in = NonFiniteMapFromTrainerTest.class.getResourceAsStream(
                "/fixtures/trainer-all-nan-map.snapshot")) {
            return SnapshotCodec.decode(in.readAllBytes());
        }
    }

    @Test
    void anAllNanMapCountsAsNonFiniteNeverAsNeverFired() throws Exception {
        LayerSnapshot s = fixture();
        // What arrived: filter 0's window max and sum are NaN, not 0; one sampled response was NaN.
        assertThat(s.activity().maxResponse()[0]).isNaN();
        assertThat(s.activity().responseSum()[0]).isNaN();
        assertThat(s.sample().nonFiniteCount()).isEqualTo(1);
        // Numeric health: max and sum of filter 0 = 2 non-finite inputs.
        assertThat(NumericHealth.inputs(s)).isEqualTo(2);

        // Through the probe's LayerTracker, with a window the snapshot alone covers (4 samples), so
        // a silent filter would be called dead by the activation test right away.
        LayerTracker state = new LayerTracker(2, ProbeSettings.defaults().withWindowSamples(4).withExpectedWorkers(1));
        LayerTracker.Output out = state.accept(s);
        LayerStat ls = out.layerStats().get(0);
        // 2 inputs + 1 sampled response sent as 0
        assertThat(ls.nonFiniteValues()).isEqualTo(3);
        // quarantined: no filter judged, none dead by the activation test ("never fired")
        assertThat(out.filterStats()).isEmpty();
        assertThat(ls.deadByActivation()).isZero();
        assertThat(ls.dead()).isZero();
    }
}
