package io.filterwatch.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/** Builds the supported networks. Widths are configurable; defaults follow the references. */
public final class Networks {

    public static final List<Integer> SMALL_BASIC_NET_WIDTHS = List.of(32, 32, 64, 64, 128);
    /**
     * The paper's BasicNet has seven 3x3 conv layers C1-C7 with BN and ReLU, max-pooling and a
     * global-average-pooled dense head; these are our default widths for it (configurable).
     */
    public static final List<Integer> BASIC_NET_WIDTHS = List.of(64, 128, 128, 256, 256, 256, 256);

    private Networks() {
    }

    public static Network build(ModelKind kind, List<Integer> widths, Shape sampleShape, int numClasses) {
        return switch (kind) {
            case SMALL_BASIC_NET -> smallBasicNet(orDefault(widths, SMALL_BASIC_NET_WIDTHS, 5), sampleShape, numClasses);
            case BASIC_NET -> basicNet(orDefault(widths, BASIC_NET_WIDTHS, 7), sampleShape, numClasses);
            case RESNET18 -> resNet(false, new int[] {2, 2, 2, 2}, sampleShape, numClasses);
            case RESNET50 -> resNet(true, new int[] {3, 4, 6, 3}, sampleShape, numClasses);
        };
    }

    private static List<Integer> orDefault(List<Integer> widths, List<Integer> defaults, int expected) {
        if (widths == null || widths.isEmpty()) {
            return defaults;
        }
        if (widths.size() != expected) {
            throw new IllegalArgumentException("this model has " + expected + " conv layers, got " + widths.size()
                    + " widths " + widths);
        }
        return widths;
    }

    /** 5 Conv-BN-ReLU blocks, max-pool after blocks 2 and 4, global average pool, dense. */
    public static Network smallBasicNet(List<Integer> widths, Shape sampleShape, int numClasses) {
        return plainNet("small-basic-net", widths, List.of(1, 3), sampleShape, numClasses);
    }

    /** C1-C7, max-pool after C1, C3 and C5, global average pool, dense. */
    public static Network basicNet(List<Integer> widths, Shape sampleShape, int numClasses) {
        return plainNet("basic-net", widths, List.of(0, 2, 4), sampleShape, numClasses);
    }

    private static Network plainNet(String name, List<Integer> widths, List<Integer> poolAfter,
                                    Shape sampleShape, int numClasses) {
        SequentialBlock net = new SequentialBlock();
        List<ConvBn> layers = new ArrayList<>();
        for (int i = 0; i < widths.size(); i++) {
            ConvBn unit = ConvBn.withRelu("conv" + (i + 1), widths.get(i), 3, 1);
            if (!layers.isEmpty()) {
                layers.get(layers.size() - 1).feeds(ConvBn.Consumer.conv(unit));
            }
            layers.add(unit);
            net.add(unit);
            if (poolAfter.contains(i)) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        layers.get(layers.size() - 1).feeds(ConvBn.Consumer.dense(numClasses));
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return new Network(name, net, layers, sampleShape, numClasses);
    }

    /**
     * ResNet v1 with an ImageNet stem (7x7/2 conv, 3x3/2 max-pool). Captured: every Conv-BN, in
     * forward order: the stem, per block the branch's convs and then the projection shortcut where
     * the block has one. The branch's last Conv-BN and the projection are followed by the addition
     * and then ReLU: their response is the ReLU of their BN output before the sum (ConvBn). ResNet-50:
     * 53 layers, 26,560 filters; ResNet-18: 20 layers, 4,800 filters (NetworksTest).
     */
    public static Network resNet(boolean bottleneck, int[] blocks, Shape sampleShape, int numClasses) {
        SequentialBlock net = new SequentialBlock();
        List<ConvBn> layers = new ArrayList<>();
        ConvBn stem = ConvBn.withRelu("stem.conv", 64, 7, 2);
        layers.add(stem);
        net.add(stem);
        net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        int[] widths = {64, 128, 256, 512};
        int expansion = bottleneck ? 4 : 1;
        int inChannels = 64;
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = (b == 0 && stage > 0) ? 2 : 1;
                String prefix = "layer" + (stage + 1) + "." + b + ".";
                int width = widths[stage];
                int out = width * expansion;
                SequentialBlock branch = new SequentialBlock();
                List<ConvBn> units = new ArrayList<>();
                if (bottleneck) {
                    units.add(ConvBn.withRelu(prefix + "conv1", width, 1, 1));
                    units.add(ConvBn.withRelu(prefix + "conv2", width, 3, stride));
                    units.add(ConvBn.withoutRelu(prefix + "conv3", out, 1, 1));
                } else {
                    units.add(ConvBn.withRelu(prefix + "conv1", width, 3, stride));
                    units.add(ConvBn.withoutRelu(prefix + "conv2", out, 3, 1));
                }
                for (int i = 0; i < units.size(); i++) {
                    branch.add(units.get(i));
                    if (i + 1 < units.size()) {
                        units.get(i).feeds(ConvBn.Consumer.conv(units.get(i + 1)));
                    }
                    layers.add(units.get(i));
                }
                Block shortcut = Blocks.identityBlock();
                if (stride != 1 || inChannels != out) {
                    ConvBn projection = ConvBn.withoutRelu(prefix + "downsample", out, 1, stride);
                    layers.add(projection);
                    shortcut = projection;
                }
                net.add(new ParallelBlock(Networks::addThenRelu, List.of(branch, shortcut)));
                inChannels = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(numClasses).build());
        return new Network(bottleneck ? "resnet50" : "resnet18", net, layers, sampleShape, numClasses);
    }

    private static NDList addThenRelu(List<NDList> branches) {
        NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
        return new NDList(Activation.relu(sum));
    }
}
