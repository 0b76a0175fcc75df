package io.filterwatch.load;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.protocol.RunTopology;

/**
 * ResNet-50 (v1, ImageNet stem) at 224 x 224 as the trainer captures it, without DJL: the same layer names,
 * order, shapes and residual sums as the trainer's {@code Networks.resNet(true, {3, 4, 6, 3}, ...)} read by its
 * {@code ModelTopology} (stem 7x7/2 + 3x3/2 max pool; per bottleneck block conv1 1x1, conv2 3x3 with the block's
 * stride, conv3 1x1 to 4 x width without ReLU, then the projection {@code downsample} where the block has one;
 * padding kernel / 2). 53 layers, 26,560 filters (64 + 1,408 + 3,584 + 10,240 + 11,264 per stage),
 * {@code ResNet50Test}; {@code ResNet50MatchesTrainerTest} checks it equals the trainer's own {@code ModelTopology}.
 */
public final class ResNet50 {

    public static final int IMAGE_SIZE = 224;
    public static final int CLASSES = 1000;

    private ResNet50() {
    }

    /** The topology the trainer would publish with STARTED for ResNet-50 on ImageNet. */
    public static RunTopology topology() {
        List<RunTopology.Layer> layers = new ArrayList<>();
        List<RunTopology.Sum> sums = new ArrayList<>();
        int size = out(IMAGE_SIZE, 7, 2);
        layers.add(new RunTopology.Layer("stem.conv", 0, RunTopology.INPUT, 64, 3, 7, 2, 3, size, size, true));
        size = out(size, 3, 2); // max pool 3x3/2, padding 1: not a node
        String node = "stem.conv";
        int inChannels = 64;
        int[] blocks = {3, 4, 6, 3};
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = (b == 0 && stage > 0) ? 2 : 1;
                String prefix = "layer" + (stage + 1) + "." + b + ".";
                int width = widths[stage];
                int outChannels = 4 * width;
                int outSize = out(size, 3, stride);
                layers.add(layer(layers, prefix + "conv1", node, width, inChannels, 1, 1, size, true));
                layers.add(layer(layers, prefix + "conv2", prefix + "conv1", width, width, 3, stride, outSize, true));
                layers.add(layer(layers, prefix + "conv3", prefix + "conv2", outChannels, width, 1, 1, outSize, false));
                String shortcut = node;
                if (stride != 1 || inChannels != outChannels) {
                    layers.add(layer(layers, prefix + "downsample", node, outChannels, inChannels, 1, stride, outSize, false));
                    shortcut = prefix + "downsample";
                }
                String sum = prefix + "sum";
                sums.add(new RunTopology.Sum(sum, List.of(prefix + "conv3", shortcut)));
                node = sum;
                inChannels = outChannels;
                size = outSize;
            }
        }
        return new RunTopology(RunTopology.VERSION, "resnet50", layers, sums, new RunTopology.Head(node, CLASSES));
    }

    private static RunTopology.Layer layer(List<RunTopology.Layer> before, String name, String input, int filters,
                                           int inChannels, int kernel, int stride, int outSize, boolean relu) {
        return new RunTopology.Layer(name, before.size(), input, filters, inChannels, kernel, stride, kernel / 2, outSize,
                outSize, relu);
    }

    /** Output size of a convolution or pooling with padding kernel / 2. */
    private static int out(int in, int kernel, int stride) {
        return (in + 2 * (kernel / 2) - kernel) / stride + 1;
    }

    /**
     * Parameters one filter of {@code layer} costs: its conv weights and BN pair, plus one input slice of each
     * conv layer reading its output directly (consumers behind a residual sum are not counted: the plan
     * removes those only as a group).
     */
    public static int paramCount(RunTopology topology, RunTopology.Layer layer) {
        long p = (long) layer.inChannels() * layer.kernel() * layer.kernel() + 2;
        for (RunTopology.Layer c : topology.consumers(layer.name())) {
            p += (long) c.kernel() * c.kernel();
        }
        return (int) p;
    }

    /** Multiply-accumulates per sample one filter of {@code layer} costs, its direct consumers' slices included. */
    public static long flops(RunTopology topology, RunTopology.Layer layer) {
        long f = layer.inChannels() * layer.macsPerWeightSlice();
        for (RunTopology.Layer c : topology.consumers(layer.name())) {
            f += c.macsPerWeightSlice();
        }
        return f;
    }
}
