package io.filterwatch.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The network's graph as the pruning plan needs it, published by the trainer once per run (the
 * {@code topology} of the STARTED {@link RunEvent} on {@link Topics#RUNS}; docs/protocol.md, "Run
 * topology").
 *
 * <p>Nodes are named tensors whose channels a pruning plan removes together: every captured conv layer
 * (its BN output, after its own ReLU when it has one), every residual sum (ReLU of the sum of its inputs),
 * and {@link #INPUT}, the image. Every edge is an {@code input}: the node a layer, a sum or the head reads.
 * Operations between a node and its reader that act on each channel alone (max pooling, global average
 * pooling, flattening, an identity shortcut) are not nodes: they keep the channel's index, and a constant
 * channel stays the same constant through them.
 *
 * <p>Versioned like the snapshot: a reader uses a topology whose {@link #version} it knows and ignores any
 * other (the plan then says so) rather than guess; every change of meaning bumps the version.
 *
 * @param version the topology format, {@link #VERSION} for this one
 * @param model   the model's name, e.g. {@code resnet18}
 * @param layers  every captured conv layer, in forward order (index = {@code layerIndex})
 * @param sums    every residual sum, in forward order
 * @param head    the dense classifier after global average pooling
 */
public record RunTopology(int version, String model, List<Layer> layers, List<Sum> sums, Head head) {

    /** The version this code writes and the only one it reads. */
    public static final int VERSION = 1;
    /** The node name of the network's input image. */
    public static final String INPUT = "input";

    public RunTopology {
        layers = layers == null ? List.of() : List.copyOf(layers);
        sums = sums == null ? List.of() : List.copyOf(sums);
    }

    /**
     * One conv layer (conv without bias, BN, ReLU when {@code relu}); everything needed to count its
     * parameters and multiply-accumulates once.
     *
     * @param input      the node it reads; its {@code inChannels} input channels are that node's channels
     * @param inChannels input channels per filter (a weight tensor is filters x inChannels x kernel x kernel)
     * @param padding    zero padding on each side; a constant input channel is then not constant at the
     *                   border of the conv's receptive field, which decides whether a fold is exact
     * @param relu       whether a ReLU of its own follows the BN; false for a branch end or projection
     *                   shortcut whose output joins a residual sum first
     */
    public record Layer(String name, int layerIndex, String input, int filters, int inChannels, int kernel, int stride,
                        int padding, int outHeight, int outWidth, boolean relu) {

        /** Multiply-accumulates per sample per (output channel, input channel) pair: kernel^2 x H x W. */
        public long macsPerWeightSlice() {
            return (long) kernel * kernel * outHeight * outWidth;
        }
    }

    /** A residual sum followed by ReLU: its inputs (layers, sums or the image) share their channels one to one. */
    public record Sum(String name, List<String> inputs) {
        public Sum {
            inputs = List.copyOf(inputs);
        }
    }

    /** The dense head after global average pooling: {@code units} weights per input channel. */
    public record Head(String input, int units) {
    }

    /** Whether this reader understands the topology (its version is {@link #VERSION}). */
    public boolean readable() {
        return version == VERSION;
    }

    public Layer layer(String name) {
        for (Layer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    public Sum sum(String name) {
        for (Sum s : sums) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The conv layers that read {@code node} (their BN is where a constant of that node folds). */
    public List<Layer> consumers(String node) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            if (l.input().equals(node)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Channels of a node: a layer's filters, a sum's (its inputs'), the image's 0 (never pruned). */
    public int channels(String node) {
        Layer l = layer(node);
        if (l != null) {
            return l.filters();
        }
        Sum s = sum(node);
        return s == null ? 0 : channels(s.inputs().get(0));
    }
}
