package io.filterwatch.protocol;

import java.util.Objects;

/**
 * Everything the probe needs about one conv layer (conv - BN - ReLU) of one worker at one step.
 * The binary encoding is {@link SnapshotCodec}; {@code docs/protocol.md} describes every byte.
 *
 * @param context   who trained it and how (run, worker, step, optimizer settings)
 * @param layer     which layer and its shape
 * @param params    per filter: BN gamma/beta, conv weight norm, parameter count and FLOPs
 * @param gradients per filter: loss-only gradients (regulariser excluded) and, for adaptive
 *                  optimizers, the second-moment RMS the optimizer divides by
 * @param activity  per filter: aggregates over every training sample since the previous snapshot
 * @param sample    per-sample responses r(n,f) of a subset of samples, for selectivity: as measured
 *                  ({@link ResponseSample}) or in wire form ({@link QuantisedSample}, what decoding gives)
 */
public record LayerSnapshot(
        TrainingContext context,
        LayerInfo layer,
        FilterParameters params,
        FilterGradients gradients,
        ActivationAggregates activity,
        SampledResponses sample) {

    public LayerSnapshot {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(gradients, "gradients");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(sample, "sample");
        int c = layer.filterCount();
        params.requireFilterCount(c);
        gradients.requireFilterCount(c);
        activity.requireFilterCount(c);
        sample.requireFilterCount(c);
    }

    public int filterCount() {
        return layer.filterCount();
    }

    /** The Kafka record key: {@code <runId>/<layer name>}. */
    public String key() {
        return Topics.snapshotKey(context.runId(), layer.name());
    }
}
