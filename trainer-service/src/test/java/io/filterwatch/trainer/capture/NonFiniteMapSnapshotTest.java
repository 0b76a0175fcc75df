package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.TrainingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An all-NaN response map, first half of the chain trainer capture -> snapshot -> probe numeric
 * health: the capture (LayerActivity's fold, LayerCapture's sample) turns it into a snapshot whose
 * encoded bytes must equal the fixture the probe's {@code NonFiniteMapFromTrainerTest} decodes and
 * judges. If the capture changes what it sends, this test fails; regenerate the fixture with
 * {@code -Dfixtures.write=true} and let the probe's test say whether the probe still agrees.
 */
class NonFiniteMapSnapshotTest {

    /** Shared with probe-service's test (the module that judges it). */
    static final Path FIXTURE = Path.of("..", "probe-service", "src", "test", "resources", "fixtures",
            "trainer-all-nan-map.snapshot");

    private static final int C = 2;

    @Test
    void anAllNanMapIsSentAsNonFiniteNotAsSilence() throws Exception {
        LayerSnapshot snapshot;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            LayerActivity activity = new LayerActivity(m, 10, C);
            LayerCapture capture = new LayerCapture(List.of(), m, null, 2, 1);
            // Step 1, not a snapshot step: sample 0, filter 0 is NaN at all 4 positions (a diverged
            // forward pass); everything else fires finitely.
            float nan = Float.NaN;
            activity.record(List.of(m.create(new float[] {nan, nan, nan, nan, 0f, 1f, 0f, 0f,
                    0.5f, 0f, 0f, 0f, 0f, 0f, 2f, 0f}, new Shape(2, C, 2, 2))));
            // Step 2, the snapshot step: the same NaN map again, now in the sampled rows too.
            NDArray out = m.create(new float[] {nan, nan, nan, nan, 0f, 0f, 3f, 0f,
                    0.25f, 0f, 0f, 0f, 0f, 0f, 0f, 0f}, new Shape(2, C, 2, 2));
            ResponseSample sample = capture.sample(List.of(out), activity.record(List.of(out)));
            ActivationAggregates aggregates = activity.takeAggregates(1);
            activity.close();
            capture.close();

            // Filter 0's window max and sum are NaN, not 0: it is not "silent on every sample".
            assertThat(aggregates.maxResponse()[0]).isNaN();
            assertThat(aggregates.responseSum()[0]).isNaN();
            assertThat(aggregates.activeCount()).containsExactly(2L, 3L);
            assertThat(aggregates.maxResponse()[1]).isEqualTo(3f);
            // The sampled NaN response travels as 0 and is counted.
            assertThat(sample.nonFiniteCount()).isEqualTo(1);
            assertThat(sample.responses()).containsExactly(0f, 3f, 0.25f, 0f);

            snapshot = new LayerSnapshot(
                    new TrainingContext("nan-run", 0, 2, 0, 1_700_000_000_000L, "sgd", 0.1, 1e-3, 0, 2),
                    new LayerInfo("conv1", 0, C, 2, 2),
                    new FilterParameters(new int[] {11, 11}, new long[] {36, 36}, new float[] {1f, 0.5f},
                            new float[] {0.1f, -0.2f}, new float[] {0.9f, 1.1f}),
                    new FilterGradients(new float[] {1e-3f, -2e-3f}, new float[] {5e-4f, 0f},
                            new float[] {1e-2f, 2e-2f}, null, null, null),
                    aggregates, sample);
        }
        byte[] bytes = SnapshotCodec.encode(snapshot);
        if (Boolean.getBoolean("fixtures.write")) {
            Files.write(FIXTURE, bytes);
        }
        assertThat(bytes).as("the capture no longer sends what %s holds: regenerate it (-Dfixtures.write=true)",
                FIXTURE).isEqualTo(Files.readAllBytes(FIXTURE));
    }
}
