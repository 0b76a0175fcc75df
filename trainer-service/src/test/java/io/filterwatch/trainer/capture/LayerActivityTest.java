package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.filterwatch.protocol.ActivationAggregates;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-step reduction and the fold, against plain Java over the same values. */
class LayerActivityTest {

    private static final int C = 3;

    @Test
    void spatialMaxIsTheMaximumOverEveryPosition() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            for (Shape s : List.of(new Shape(4, C, 5, 5), new Shape(2, C, 7, 3), new Shape(3, C, 1, 1))) {
                float[] v = values(new Random(s.size()), (int) s.size(), (int) (s.get(2) * s.get(3)));
                NDArray r = LayerActivity.spatialMax(m.create(v, s));
                assertThat(r.getShape()).isEqualTo(new Shape(s.get(0), C, 1, 1));
                int positions = (int) (s.get(2) * s.get(3));
                float[] got = r.toFloatArray();
                for (int nf = 0; nf < got.length; nf++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p < positions; p++) {
                        max = Math.max(max, v[nf * positions + p]);
                    }
                    assertThat(got[nf]).as("%s (n,f) #%d", s, nf).isEqualTo(max);
                }
            }
        }
    }

    @Test
    void foldsAcrossFoldBoundariesAndPartsLikeOnePassOverAllSamples() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            LayerActivity activity = new LayerActivity(m, 3, C);
            Random rnd = new Random(42);
            List<float[]> responses = new ArrayList<>();
            // 7 steps (two folds of 3 and a remainder), two parts of 2 and 3 samples per step.
            for (int step = 0; step < 7; step++) {
                List<NDArray> outputs = new ArrayList<>();
                for (int batch : new int[] {2, 3}) {
                    float[] v = values(rnd, batch * C * 4, 4);
                    outputs.add(m.create(v, new Shape(batch, C, 2, 2)));
                    for (int n = 0; n < batch; n++) {
                        float[] r = new float[C];
                        for (int f = 0; f < C; f++) {
                            r[f] = Math.max(Math.max(v[(n * C + f) * 4], v[(n * C + f) * 4 + 1]),
                                    Math.max(v[(n * C + f) * 4 + 2], v[(n * C + f) * 4 + 3]));
                        }
                        responses.add(r);
                    }
                }
                List<NDArray> r = activity.record(outputs);
                assertThat(r).hasSize(2);
                assertThat(r.get(1).getShape()).isEqualTo(new Shape(3, C, 1, 1));
            }
            ActivationAggregates a = activity.takeAggregates(11);
            assertThat(a.windowStartStep()).isEqualTo(11);
            assertThat(a.samplesSeen()).isEqualTo(7 * 5);
            for (int f = 0; f < C; f++) {
                float max = 0;
                long count = 0;
                double sum = 0;
                for (float[] r : responses) {
                    max = Math.max(max, r[f]);
                    count += r[f] > 1e-12 ? 1 : 0;
                    sum += r[f];
                }
                assertThat(a.maxResponse()[f]).isEqualTo(max);
                assertThat(a.activeCount()[f]).isEqualTo(count);
                assertThat(a.responseSum()[f]).isCloseTo(sum, within(1e-9 * Math.max(1, sum)));
            }
            // Filter 2 is dead in every sample (values() makes it 0): the count is exactly 0.
            assertThat(a.activeCount()[2]).isZero();
            assertThat(a.maxResponse()[2]).isZero();

            // The next window starts empty.
            ActivationAggregates empty = activity.takeAggregates(18);
            assertThat(empty.samplesSeen()).isZero();
            assertThat(empty.activeCount()).containsOnly(0L);
            activity.close();
        }
    }

    @Test
    void nonFiniteResponsesReachTheAggregatesAsNonFiniteNeverAsSilence() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            LayerActivity activity = new LayerActivity(m, 10, C);
            // One sample, 1x1 maps: r = the values themselves.
            // A map of NaN: max pooling skips NaN and returns -Float.MAX_VALUE for it.
            List<NDArray> r = activity.record(List.of(m.create(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0.5f},
                    new Shape(1, C, 1, 1))));
            assertThat(r.get(0).toFloatArray()[0]).isEqualTo(-Float.MAX_VALUE);
            activity.record(List.of(m.create(new float[] {2f, 1f, 1e-13f}, new Shape(1, C, 1, 1))));
            ActivationAggregates a = activity.takeAggregates(1);
            // The NaN map poisons filter 0's max and sum for the window (a later 2 does not hide
            // it); the infinity stays infinite. Sent as they are: the probe counts them in the
            // layer's numeric health. Sent as 0, filter 0 would look like one that never fired.
            assertThat(a.maxResponse()[0]).isNaN();
            assertThat(a.responseSum()[0]).isNaN();
            assertThat(a.maxResponse()[1]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(a.responseSum()[1]).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(a.maxResponse()[2]).isEqualTo(0.5f);
            // The NaN sample is not active; the other filters count both samples above 1e-12.
            assertThat(a.activeCount()).containsExactly(1L, 2L, 1L);
            // The next window starts clean.
            activity.record(List.of(m.create(new float[] {1f, 1f, 1f}, new Shape(1, C, 1, 1))));
            assertThat(activity.takeAggregates(3).maxResponse()).containsExactly(1f, 1f, 1f);
            activity.close();
        }
    }

    @Test
    void responseIsTheReluOfTheSpatialMaxAndNaNForAMapWithoutNumbers() {
        // post-ReLU maps: the max itself
        assertThat(LayerActivity.response(0.75f)).isEqualTo(0.75f);
        assertThat(LayerActivity.response(0f)).isEqualTo(0f);
        // a residual-sum input (BN output before the sum) negative everywhere adds nothing: 0
        assertThat(LayerActivity.response(-3.5f)).isEqualTo(0f);
        assertThat(LayerActivity.response(-0f)).isEqualTo(0f);
        // max pooling's value for a map of NaN or of -Inf, and NaN itself: no number
        assertThat(LayerActivity.response(-Float.MAX_VALUE)).isNaN();
        assertThat(LayerActivity.response(Float.NEGATIVE_INFINITY)).isNaN();
        assertThat(LayerActivity.response(Float.NaN)).isNaN();
        assertThat(LayerActivity.response(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void negativeMapsOfAResidualSumInputFoldToZero() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            LayerActivity activity = new LayerActivity(m, 10, C);
            // (1, C, 1, 2): filter 0 max -0.5 -> r 0; filter 1 max 0.25; filter 2 max -1e-3 -> 0
            activity.record(List.of(m.create(new float[] {-1f, -0.5f, -2f, 0.25f, -1e-3f, -4f},
                    new Shape(1, C, 1, 2))));
            ActivationAggregates a = activity.takeAggregates(1);
            assertThat(a.maxResponse()).containsExactly(0f, 0.25f, 0f);
            assertThat(a.activeCount()).containsExactly(0L, 1L, 0L);
            assertThat(a.responseSum()).containsExactly(0.0, 0.25, 0.0);
            activity.close();
        }
    }

    /** Post-ReLU-like (N, C, H, W) values: 0 for a third of them and everywhere in the last filter. */
    private static float[] values(Random rnd, int n, int positions) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            boolean lastFilter = (i / positions) % C == C - 1;
            v[i] = lastFilter || rnd.nextInt(3) == 0 ? 0f : rnd.nextFloat() * 4;
        }
        return v;
    }
}
