package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.trainer.TinyNet;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.BatchOrder;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The response captured for a conv whose output joins a residual sum (a branch end and a
 * projection shortcut, no ReLU of their own) is what docs/metrics.md says: r(n,f) = max over
 * positions of ReLU(BN output before the sum), against a forward pass by hand (TinyNet.residual).
 */
class ResidualSumCaptureTest {

    private static final double TOL = 2e-4;

    @Test
    void residualSumInputsAreCapturedAsTheReluOfTheirBnOutput() throws Exception {
        // lr so small nothing moves: three identical steps, one snapshot per layer at step 3.
        RunConfig config = new RunConfig("res-run", ModelKind.SMALL_BASIC_NET, null, DatasetKind.SYNTHETIC, null,
                null, null, null, OptimizerKind.SGD, 1e-12, 0.0, 0.0, 0.0, null, null, null, TinyNet.N, 1, 3L, 7L,
                true, 3, 1, TinyNet.N, null, null, null);
        List<LayerSnapshot> snaps = new ArrayList<>();
        RunResult result = new TrainingSession(config, new RunObserver() {
            @Override
            public void snapshots(List<LayerSnapshot> s) {
                snaps.addAll(s);
            }
        }).train(TinyNet.residual(), TinyNet.data(), Device.cpu());
        assertThat(result.status()).isEqualTo(RunResult.Status.FINISHED);
        assertThat(snaps).extracting(LayerSnapshot::key).containsExactly("res-run/res.conv", "res-run/res.downsample");

        int[] batch3 = new BatchOrder(TinyNet.N, TinyNet.N, 7L).batch(2, 0);
        // The branch conv is TinyNet's conv: TinyNet.forward gives max(0, BN output) per position.
        double[][][][] branch = TinyNet.forward(new TinyNet.Params(), batch3);
        double[][][][] projection = relu(TinyNet.projection(batch3));
        check(snaps.get(0), branch);
        check(snaps.get(1), projection);

        // Branch filter 1 (beta -6): its BN output is negative everywhere, so it adds nothing
        // positive to the sum: response 0 on every sample, not a negative max, not non-finite.
        assertThat(snaps.get(0).activity().activeCount()).containsExactly(12, 0);
        assertThat(snaps.get(0).activity().maxResponse()[1]).isZero();
        // Projection filter 0 has weight 0: its conv output is 0, BN gives 0/sqrt(0 + 1e-5) + beta
        // = 0.1 at every position of every sample: r = 0.1, active everywhere.
        assertThat((double) snaps.get(1).activity().maxResponse()[0]).isCloseTo(0.1, within(1e-6));
        assertThat(snaps.get(1).activity().activeCount()[0]).isEqualTo(12);
        assertThat(snaps.get(1).activity().responseSum()[0]).isCloseTo(12 * 0.1, within(1e-5));
        assertThat(((ResponseSample) snaps.get(1).sample()).activeFraction(0, 0, 2)).isEqualTo(1f);
        for (LayerSnapshot s : snaps) {
            assertThat(s.sample().nonFiniteCount()).isZero();
        }
    }

    /** Responses, active fractions and the 3-step aggregates of one layer against the hand maps. */
    private static void check(LayerSnapshot s, double[][][][] relu) {
        for (int f = 0; f < TinyNet.F; f++) {
            double max = 0;
            long active = 0;
            double sum = 0;
            for (int n = 0; n < TinyNet.N; n++) {
                double r = TinyNet.spatialMax(relu[n][f]);
                max = Math.max(max, r);
                active += r > 1e-12 ? 1 : 0;
                sum += r;
                assertThat((double) s.sample().response(n, f, 2)).as("%s r(%d,%d)", s.layer().name(), n, f)
                        .isCloseTo(r, within(TOL));
                assertThat((double) ((ResponseSample) s.sample()).activeFraction(n, f, 2))
                        .isCloseTo(activeFraction(relu[n][f]), within(1e-6));
            }
            assertThat((double) s.activity().maxResponse()[f]).isCloseTo(max, within(TOL));
            assertThat(s.activity().activeCount()[f]).isEqualTo(3 * active);
            assertThat(s.activity().responseSum()[f]).isCloseTo(3 * sum, within(10 * TOL));
        }
    }

    private static double[][][][] relu(double[][][][] v) {
        for (double[][][] a : v) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] = Math.max(0, c[i]);
                    }
                }
            }
        }
        return v;
    }

    private static double activeFraction(double[][] map) {
        int active = 0;
        int all = 0;
        for (double[] row : map) {
            for (double v : row) {
                active += v > 1e-12 ? 1 : 0;
                all++;
            }
        }
        return active / (double) all;
    }
}
