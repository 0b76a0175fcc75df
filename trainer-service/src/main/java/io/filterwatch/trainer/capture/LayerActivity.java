package io.filterwatch.trainer.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.filterwatch.protocol.ActivationAggregates;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer's activation aggregates since the last snapshot, kept on the device. Per captured
 * step only the spatial max r(n,f) is computed (one reduction, B x C floats kept); every
 * {@code foldEvery} steps the kept responses are concatenated and folded into the running max,
 * active count and sum with a handful of operations. Batching the fold keeps the per-step cost
 * to one operator per layer, which is what the 3% overhead budget allows.
 */
final class LayerActivity {

    private final NDManager manager;
    private final int foldEvery;
    private final List<NDArray> pending = new ArrayList<>();
    private NDArray max;
    private NDArray activeCount;
    private NDArray sum;
    private long samples;

    LayerActivity(NDManager parent, int foldEvery) {
        this.manager = parent.newSubManager();
        this.foldEvery = foldEvery;
    }

    /**
     * Takes the spatial max of this step's post-ReLU output (B, C, H, W). Global max pooling
     * (MKL-DNN's pooling kernel) is 3-5x faster than {@code max(axes 2, 3)} (MXNet's generic
     * reduction) on this CPU: 4-5 ms against 12-25 ms for 64 x 32 x 28 x 28.
     */
    void record(NDArray output) {
        NDArray r = spatialMax(output);
        r.attach(manager);
        pending.add(r);
        samples += output.getShape().get(0);
        if (pending.size() >= foldEvery) {
            fold();
        }
    }

    private void fold() {
        if (pending.isEmpty()) {
            return;
        }
        try (NDManager scratch = manager.newSubManager()) {
            pending.forEach(p -> p.attach(scratch));
            NDArray all = pending.size() == 1 ? pending.get(0) : NDArrays.concat(new NDList(pending));
            pending.clear();
            NDArray stepMax = all.max(new int[] {0});
            NDArray stepCount = all.gt(ActivationAggregates.ACTIVE_THRESHOLD).toType(DataType.FLOAT32, false)
                    .sum(new int[] {0});
            NDArray stepSum = all.sum(new int[] {0});
            if (max == null) {
                max = keep(stepMax);
                activeCount = keep(stepCount);
                sum = keep(stepSum);
            } else {
                NDArray newMax = keep(max.maximum(stepMax));
                max.close();
                max = newMax;
                activeCount.addi(stepCount);
                sum.addi(stepSum);
            }
        }
    }

    /** r(n, f): (B, C, H, W) -> (B, C). */
    static NDArray spatialMax(NDArray output) {
        Shape s = output.getShape();
        return Pool.globalMaxPool2d(output).reshape(s.get(0), s.get(1));
    }

    private NDArray keep(NDArray a) {
        a.attach(manager);
        return a;
    }

    /** Aggregates since the last call, then starts a new window. */
    ActivationAggregates takeAggregates(long windowStartStep, int filters) {
        fold();
        float[] m = new float[filters];
        long[] count = new long[filters];
        double[] s = new double[filters];
        if (max != null) {
            m = max.toFloatArray();
            float[] c = activeCount.toFloatArray();
            float[] sums = sum.toFloatArray();
            for (int f = 0; f < filters; f++) {
                count[f] = Math.round(c[f]);
                s[f] = sums[f];
                // NaN/Inf would poison the probe's thresholds; the snapshot's response sample
                // reports non-finite values, here they are clamped so the record stays valid.
                if (!Float.isFinite(m[f])) {
                    m[f] = Float.isNaN(m[f]) ? 0f : Float.MAX_VALUE;
                }
                if (!Double.isFinite(s[f])) {
                    s[f] = Double.isNaN(s[f]) ? 0 : Double.MAX_VALUE;
                }
            }
            max.close();
            activeCount.close();
            sum.close();
            max = null;
            activeCount = null;
            sum = null;
        }
        ActivationAggregates result = new ActivationAggregates(windowStartStep, samples, m, count, s);
        samples = 0;
        return result;
    }

    void close() {
        manager.close();
    }
}
