package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.trainer.TestRuns;
import io.filterwatch.trainer.TinyNet;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.BatchOrder;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The trainer's captured responses, counts, norms and loss-only gradients against an
 * independent forward pass in plain Java doubles (TinyNet) and central finite differences, on
 * both engines: the same hand computation has to come out of MXNet and of PyTorch.
 */
class CaptureMatchesHandComputationTest {

    private static final double TOL = 2e-4;

    private static RunConfig config(OptimizerKind optimizer, double lr, double l2, long steps, int interval) {
        return new RunConfig("tiny-run", ModelKind.SMALL_BASIC_NET, null, DatasetKind.SYNTHETIC, null, null, null,
                null, optimizer, lr, 0.0, l2, 0.0, null, null, null, TinyNet.N, 1, steps, 7L, true, interval, 1,
                TinyNet.N, null, null, null);
    }

    private static List<LayerSnapshot> train(RunConfig config, EngineKind engine) throws Exception {
        List<LayerSnapshot> out = new ArrayList<>();
        TrainingSession session = TestRuns.session(config, out, engine);
        RunResult result = session.train(TinyNet.network(), TinyNet.data(), Device.cpu());
        assertThat(result.status()).isEqualTo(RunResult.Status.FINISHED);
        return out;
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void responsesCountsAndSampleMatchTheHandForwardPass(EngineKind engine) throws Exception {
        // lr so small the parameters do not move: three identical steps, one snapshot.
        List<LayerSnapshot> snaps = train(config(OptimizerKind.SGD, 1e-12, 0.0, 3, 3), engine);
        assertThat(snaps).hasSize(1);
        LayerSnapshot s = snaps.get(0);
        assertThat(s.key()).isEqualTo("tiny-run/conv1");
        assertThat(s.layer().filterCount()).isEqualTo(2);
        assertThat(s.layer().outHeight()).isEqualTo(5);
        assertThat(s.activity().windowStartStep()).isEqualTo(1);
        assertThat(s.activity().samplesSeen()).isEqualTo(3 * TinyNet.N);

        BatchOrder order = new BatchOrder(TinyNet.N, TinyNet.N, 7L);
        int[] batch3 = order.batch(2, 0);
        double[][][][] out = TinyNet.forward(new TinyNet.Params(), batch3);
        for (int f = 0; f < TinyNet.F; f++) {
            double max = 0;
            long active = 0;
            double sum = 0;
            for (int n = 0; n < TinyNet.N; n++) {
                double r = TinyNet.spatialMax(out[n][f]);
                max = Math.max(max, r);
                active += r > 1e-12 ? 1 : 0;
                sum += r;
                assertThat((double) s.sample().response(n, f, 2)).as("r(%d,%d)", n, f).isCloseTo(r, within(TOL));
                assertThat((double) ((ResponseSample) s.sample()).activeFraction(n, f, 2)).isCloseTo(activeFraction(out[n][f]), within(1e-6));
            }
            // Three steps over the same four samples (in other orders: BN statistics are the same).
            assertThat((double) s.activity().maxResponse()[f]).isCloseTo(max, within(TOL));
            assertThat(s.activity().activeCount()[f]).isEqualTo(3 * active);
            assertThat(s.activity().responseSum()[f]).isCloseTo(3 * sum, within(10 * TOL));
        }
        // Filter 0 fires on every sample, filter 1 (beta -6) on none: both branches are exercised.
        assertThat(s.activity().activeCount()).containsExactly(12, 0);
        assertThat(s.sample().nonFiniteCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void gradientsAreLossOnlyAndSgdAddsL2InsideTheUpdate(EngineKind engine) throws Exception {
        double lr = 0.1;
        double l2 = 0.5;
        List<LayerSnapshot> snaps = train(config(OptimizerKind.SGD, lr, l2, 2, 1), engine);
        assertThat(snaps).hasSize(2);
        LayerSnapshot first = snaps.get(0);
        TinyNet.Params p = new TinyNet.Params();
        int[] batch1 = new BatchOrder(TinyNet.N, TinyNet.N, 7L).batch(0, 0);

        for (int f = 0; f < TinyNet.F; f++) {
            assertThat((double) first.params().gamma()[f]).isCloseTo(1.0, within(1e-6));
            assertThat((double) first.params().beta()[f]).isCloseTo(TinyNet.BETA[f], within(1e-6));
            assertThat((double) first.params().weightNorm()[f]).isCloseTo(norm(p.conv[f]), within(1e-5));
            double gGamma = numericGradient(p, batch1, q -> q.gamma, f);
            double gBeta = numericGradient(p, batch1, q -> q.beta, f);
            double[] gw = new double[9];
            int filter = f;
            for (int i = 0; i < 9; i++) {
                gw[i] = numericGradient(p, batch1, q -> q.conv[filter], i);
            }
            assertThat((double) first.gradients().gradGamma()[f]).as("dL/dgamma_%d", f).isCloseTo(gGamma, within(TOL));
            assertThat((double) first.gradients().gradBeta()[f]).as("dL/dbeta_%d", f).isCloseTo(gBeta, within(TOL));
            assertThat((double) first.gradients().gradWeightNorm()[f]).as("||dL/dw_%d||", f)
                    .isCloseTo(norm(gw), within(TOL));
            // The update used g + l2 * gamma: MXNet's sgd_update and DJL's PyTorch sgdUpdate add
            // the decay themselves.
            double expectedGamma = 1.0 - lr * (gGamma + l2 * 1.0);
            assertThat((double) snaps.get(1).params().gamma()[f]).isCloseTo(expectedGamma, within(TOL));
        }
        // The dead filter gets no loss gradient at all: only the regulariser acts on it.
        assertThat(first.gradients().gradGamma()[1]).isZero();
        assertThat(first.gradients().gradBeta()[1]).isZero();
        assertThat(first.gradients().hasSecondMoments()).isFalse();
        assertThat(first.context().optimizer()).isEqualTo("sgd");
        assertThat(first.context().l2()).isEqualTo(l2);
        assertThat(snaps.get(1).activity().windowStartStep()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void adamSecondMomentIsTheRmsOfTheGradientTheOptimizerSaw(EngineKind engine) throws Exception {
        double l2 = 0.5;
        List<LayerSnapshot> snaps = train(config(OptimizerKind.ADAM, 1e-3, l2, 1, 1), engine);
        LayerSnapshot s = snaps.get(0);
        assertThat(s.gradients().hasSecondMoments()).isTrue();
        for (int f = 0; f < TinyNet.F; f++) {
            // After one update, bias-corrected v = g'^2 with g' = dLoss/dgamma + l2 * gamma.
            double seen = s.gradients().gradGamma()[f] + l2 * s.params().gamma()[f];
            assertThat((double) s.gradients().rmsGamma()[f]).isCloseTo(Math.abs(seen), within(1e-5));
            double seenBeta = s.gradients().gradBeta()[f] + l2 * s.params().beta()[f];
            assertThat((double) s.gradients().rmsBeta()[f]).isCloseTo(Math.abs(seenBeta), within(1e-5));
        }
        // Filter 1 is dead: its v is the regulariser's alone, |l2 * beta| = 3.
        assertThat((double) s.gradients().rmsBeta()[1]).isCloseTo(3.0, within(1e-5));
    }

    private interface Row {
        double[] of(TinyNet.Params p);
    }

    private static double numericGradient(TinyNet.Params p, int[] order, Row row, int index) {
        double h = 1e-5;
        double[] r = row.of(p);
        double saved = r[index];
        r[index] = saved + h;
        double up = TinyNet.loss(p, order);
        r[index] = saved - h;
        double down = TinyNet.loss(p, order);
        r[index] = saved;
        return (up - down) / (2 * h);
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

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
