package io.filterwatch.trainer.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.pooling.Pool;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.TrainingContext;
import io.filterwatch.trainer.model.ConvBn;
import io.filterwatch.trainer.model.FilterCost;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures the Conv-BN-ReLU layers of a network during training: per captured step the
 * activation aggregates ({@link LayerActivity}), and at a snapshot step one {@link LayerSnapshot} per
 * layer. A snapshot is taken in two halves around the optimizer update: parameters, loss-only
 * gradients and the response sample before it (the gradient that was just computed, for the
 * parameters it was computed at), second moments after it (the v this update divided by).
 */
public final class LayerCapture implements AutoCloseable {

    /**
     * Steps of responses kept on the device before they are copied and folded into the running
     * aggregates: one wait for the device per 10 steps, B x C x 10 floats kept per layer.
     */
    static final int FOLD_EVERY = 10;

    private final List<ConvBn> layers;
    private final List<LayerActivity> activity = new ArrayList<>();
    private final SecondMoments secondMoments;
    private final int sampleSize;
    private final boolean reduceInForward;
    private long windowStartStep;

    /** The spatial max is taken in the forward pass, right after each unit's ReLU. */
    public LayerCapture(List<ConvBn> layers, NDManager parent, SecondMoments secondMoments, int sampleSize,
                        long firstStep) {
        this(layers, parent, secondMoments, sampleSize, firstStep, true);
    }

    /**
     * @param reduceInForward true: each unit takes the spatial max of its output inside the forward
     *                        pass, right after its ReLU, while the output is still in the caches
     *                        ({@link ConvBn#reduceOutputInForward}); false: this capture takes it
     *                        after backward, one more pass over every output (the path before; the
     *                        benchmark compares the two). The values are the same.
     */
    public LayerCapture(List<ConvBn> layers, NDManager parent, SecondMoments secondMoments, int sampleSize,
                        long firstStep, boolean reduceInForward) {
        this.layers = layers;
        this.secondMoments = secondMoments;
        this.sampleSize = sampleSize;
        this.windowStartStep = firstStep;
        this.reduceInForward = reduceInForward;
        for (ConvBn layer : layers) {
            activity.add(new LayerActivity(parent, FOLD_EVERY, layer.filters()));
            layer.reduceOutputInForward(reduceInForward ? LayerActivity::spatialMax : null);
        }
    }

    /**
     * Before a step's forward pass: whether the step is captured (aggregates or snapshot). A step
     * that is not keeps no outputs and takes no spatial max (capture every k-th step).
     */
    public void prepareStep(boolean captured) {
        for (ConvBn layer : layers) {
            layer.keepOutput(captured);
        }
    }

    /** Aggregates this step's responses of every layer. Call after backward, before the step's manager closes. */
    public void recordStep() {
        for (int i = 0; i < layers.size(); i++) {
            ConvBn layer = layers.get(i);
            List<NDArray> outputs = layer.takeOutputs();
            List<NDArray> maxima = layer.takeReductions();
            if (!outputs.isEmpty()) {
                activity.get(i).record(outputs, maxima);
            }
        }
    }

    /** Drops this step's outputs without aggregating them (capture every k-th step only). */
    public void skipStep() {
        for (ConvBn layer : layers) {
            layer.takeOutputs();
            layer.takeReductions();
        }
    }

    /**
     * Nanoseconds the units spent on the spatial max inside the forward pass since the last call
     * (part of the capture's cost on the training thread, spent before backward).
     */
    public long takeForwardNanos() {
        long n = 0;
        for (ConvBn layer : layers) {
            n += layer.takeReductionNanos();
        }
        return n;
    }

    /**
     * First half of a snapshot. Call after backward and before {@code trainer.step()}, with the
     * step's outputs still alive; it records the step's responses as well.
     */
    public List<Pending> beforeUpdate() {
        List<Pending> pending = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            ConvBn layer = layers.get(i);
            List<NDArray> outputs = layer.takeOutputs();
            List<NDArray> maxima = layer.takeReductions();
            ResponseSample sample = ResponseSample.empty();
            if (!outputs.isEmpty()) {
                sample = sample(outputs, activity.get(i).record(outputs, maxima));
            }
            int c = layer.filters();
            float[] weights = ParameterReadout.values(layer.weight());
            FilterParameters params = costs(layer,
                    ParameterReadout.values(layer.gamma()),
                    ParameterReadout.values(layer.beta()),
                    ParameterReadout.rowNorms(weights, c));
            List<Device> devices = outputs.stream().map(NDArray::getDevice).distinct().toList();
            float[] gradGamma = ParameterReadout.gradient(layer, layer.gamma(), devices);
            float[] gradBeta = ParameterReadout.gradient(layer, layer.beta(), devices);
            float[] gradWeightNorm = ParameterReadout.rowNorms(
                    ParameterReadout.gradient(layer, layer.weight(), devices), c);
            pending.add(new Pending(i, params, gradGamma, gradBeta, gradWeightNorm, sample));
        }
        return pending;
    }

    /**
     * Second half: the optimizer's second moments after this step's update, and the aggregates
     * of the window that ends here.
     *
     * @param updates optimizer updates done in this process, this step's included
     */
    public List<LayerSnapshot> afterUpdate(List<Pending> pending, TrainingContext context, long updates) {
        List<LayerSnapshot> out = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            ConvBn layer = layers.get(p.index);
            int c = layer.filters();
            float[] rmsGamma = null;
            float[] rmsBeta = null;
            float[] rmsWeight = null;
            if (secondMoments != null) {
                float[] vg = secondMoments.meanSquare(layer.gamma().getId(), updates);
                float[] vb = secondMoments.meanSquare(layer.beta().getId(), updates);
                float[] vw = secondMoments.meanSquare(layer.weight().getId(), updates);
                if (vg != null && vb != null && vw != null) {
                    rmsGamma = ParameterReadout.sqrt(vg);
                    rmsBeta = ParameterReadout.sqrt(vb);
                    rmsWeight = ParameterReadout.rowRootMean(vw, c);
                }
            }
            ActivationAggregates aggregates = activity.get(p.index).takeAggregates(windowStartStep);
            out.add(new LayerSnapshot(context,
                    new LayerInfo(layer.layerName(), p.index, c, layer.outHeight(), layer.outWidth()),
                    p.params,
                    new FilterGradients(p.gradGamma, p.gradBeta, p.gradWeightNorm, rmsGamma, rmsBeta, rmsWeight),
                    aggregates,
                    p.sample));
        }
        windowStartStep = context.step() + 1;
        return out;
    }

    /**
     * The first {@code sampleSize} samples of the batch: from the first split, then the next ones
     * under data parallelism. The responses are the ones the aggregates just took.
     *
     * @param outputs   post-ReLU outputs per split, in batch order
     * @param maxima    their spatial maxima (B_k, C, 1, 1), from {@link LayerActivity#record}
     */
    ResponseSample sample(List<NDArray> outputs, List<NDArray> maxima) {
        long batch = outputs.stream().mapToLong(o -> o.getShape().get(0)).sum();
        int n = sampledRows(sampleSize, batch);
        if (n == 0) {
            return ResponseSample.empty();
        }
        int c = (int) outputs.get(0).getShape().get(1);
        float[] responses = new float[n * c];
        float[] active = new float[n * c];
        int taken = 0;
        for (int k = 0; k < outputs.size() && taken < n; k++) {
            NDArray output = outputs.get(k);
            long rows = output.getShape().get(0);
            int m = (int) Math.min(n - taken, rows);
            NDArray head = m == rows ? output : output.get(new NDIndex(":" + m));
            // Only the first m * c values are copied: no slice of the kept maxima (it would
            // attach to the run-long aggregates manager).
            System.arraycopy(maxima.get(k).toFloatArray(), 0, responses, taken * c, m * c);
            // Pooling kernels again: far cheaper than MXNet's generic mean over axes (2, 3).
            System.arraycopy(Pool.globalAvgPool2d(head.gt(ActivationAggregates.ACTIVE_THRESHOLD)
                    .toType(DataType.FLOAT32, false)).toFloatArray(), 0, active, taken * c, m * c);
            taken += m;
        }
        int nonFinite = 0;
        for (int i = 0; i < responses.length; i++) {
            // The same r(n,f) the aggregates took; a map of NaN is sent as 0 and counted.
            float r = LayerActivity.response(responses[i]);
            if (Float.isFinite(r)) {
                responses[i] = r;
            } else {
                responses[i] = 0f;
                nonFinite++;
            }
            if (!Float.isFinite(active[i])) {
                active[i] = 0f;
            }
        }
        return new ResponseSample(n, responses, active, nonFinite);
    }

    /** N, the sampled responses a snapshot carries: the first {@code sampleSize} samples of the batch. */
    static int sampledRows(int sampleSize, long batch) {
        return (int) Math.min(sampleSize, batch);
    }

    private static FilterParameters costs(ConvBn layer, float[] gamma, float[] beta, float[] weightNorm) {
        FilterCost cost = layer.filterCost();
        int c = layer.filters();
        int[] params = new int[c];
        long[] flops = new long[c];
        java.util.Arrays.fill(params, cost.paramCount());
        java.util.Arrays.fill(flops, cost.macs());
        return new FilterParameters(params, flops, gamma, beta, weightNorm);
    }

    @Override
    public void close() {
        if (reduceInForward) {
            layers.forEach(l -> l.reduceOutputInForward(null));
        }
        activity.forEach(LayerActivity::close);
    }

    /** The before-update half of one layer's snapshot. */
    public record Pending(int index, FilterParameters params, float[] gradGamma, float[] gradBeta,
                          float[] gradWeightNorm, ResponseSample sample) {
    }
}
