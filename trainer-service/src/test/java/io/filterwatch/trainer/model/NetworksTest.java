package io.filterwatch.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworksTest {

    static {
        System.setProperty("ai.djl.default_engine", "MXNet");
    }

    private static Network init(Network n, long batch) {
        try (NDManager m = NDManager.newBaseManager("MXNet")) {
            Shape s = n.sampleShape();
            n.block().initialize(m, DataType.FLOAT32, new Shape(batch, s.get(0), s.get(1), s.get(2)));
            // the block's parameters are attached to m; shapes and costs are what we check
            return n;
        }
    }

    @Test
    void smallBasicNetHasFiveCapturedLayersWithPoolingAfterTwoAndFour() {
        Network n = init(Networks.build(ModelKind.SMALL_BASIC_NET, null, new Shape(1, 28, 28), 10), 2);
        assertThat(n.capturedLayers()).extracting(ConvBn::layerName)
                .containsExactly("conv1", "conv2", "conv3", "conv4", "conv5");
        assertThat(n.capturedLayers()).extracting(ConvBn::filters).containsExactly(32, 32, 64, 64, 128);
        assertThat(n.capturedLayers()).extracting(ConvBn::outHeight).containsExactly(28, 28, 14, 14, 7);
        FilterCost last = n.capturedLayers().get(4).filterCost();
        assertThat(last.paramCount()).isEqualTo(64 * 9 + 2 + 10);
        assertThat(last.macs()).isEqualTo(64L * 9 * 7 * 7 + 10);
    }

    @Test
    void basicNetHasSevenConfigurableLayers() {
        Network n = init(Networks.build(ModelKind.BASIC_NET, List.of(8, 8, 16, 16, 32, 32, 32),
                new Shape(3, 32, 32), 100), 2);
        assertThat(n.capturedLayers()).hasSize(7);
        assertThat(n.capturedLayers()).extracting(ConvBn::outHeight).containsExactly(32, 16, 16, 8, 8, 4, 4);
        assertThatThrownBy(() -> Networks.build(ModelKind.BASIC_NET, List.of(8, 8), new Shape(3, 32, 32), 10))
                .hasMessageContaining("7 conv layers");
    }

    /**
     * ResNet-18 at ImageNet shapes (3 x 224 x 224), counted by hand: the stem (64); four stages
     * of two basic blocks with two convs each, conv2 of every block joining the sum: 2 x 2 x 64,
     * 2 x 2 x 128, 2 x 2 x 256, 2 x 2 x 512 = 256 + 512 + 1,024 + 2,048 filters in 16 layers; a
     * projection shortcut where a stage starts with stride 2 (stages 2-4; stage 1 keeps 64
     * channels at stride 1, identity): 128 + 256 + 512 filters in 3 layers. Total 1 + 16 + 3 = 20
     * layers, 64 + 3,840 + 896 = 4,800 filters.
     */
    @Test
    void resNet18CapturesEveryConvBnIncludingSumInputs() {
        Network r18 = init(Networks.build(ModelKind.RESNET18, null, new Shape(3, 224, 224), 1000), 1);
        assertThat(r18.capturedLayers()).hasSize(20);
        assertThat(r18.capturedLayers().stream().mapToInt(ConvBn::filters).sum()).isEqualTo(4800);
        assertThat(r18.capturedLayers()).extracting(ConvBn::layerName).startsWith("stem.conv", "layer1.0.conv1",
                "layer1.0.conv2", "layer1.1.conv1", "layer1.1.conv2", "layer2.0.conv1", "layer2.0.conv2",
                "layer2.0.downsample", "layer2.1.conv1");
        // the stem (7x7/2) at 112 x 112, stage 4 at 7 x 7, its projection 1x1/2 from 256 channels
        assertThat(r18.capturedLayers().get(0).outHeight()).isEqualTo(112);
        ConvBn projection = r18.capturedLayers().get(17);
        assertThat(projection.layerName()).isEqualTo("layer4.0.downsample");
        assertThat(projection.hasRelu()).isFalse();
        assertThat(projection.outHeight()).isEqualTo(7);
        assertThat(projection.ownFilterCost()).isEqualTo(new FilterCost(256 + 2, 256L * 7 * 7));
    }

    /**
     * ResNet-50 at ImageNet shapes: the stem (64); 16 bottlenecks of conv1 (w), conv2 (w), conv3
     * (4w) with 3, 4, 6, 3 blocks at w = 64, 128, 256, 512: 3 x 384 + 4 x 768 + 6 x 1,536 + 3 x
     * 3,072 = 1,152 + 3,072 + 9,216 + 9,216 = 22,656 filters in 48 layers; one projection per stage
     * (stage 1 too: 64 -> 256 channels): 256 + 512 + 1,024 + 2,048 = 3,840 in 4 layers. Total 53
     * layers, 64 + 22,656 + 3,840 = 26,560 filters (the paper's count).
     */
    @Test
    void resNet50CapturesAll53ConvBnLayers() {
        Network r50 = init(Networks.build(ModelKind.RESNET50, null, new Shape(3, 224, 224), 1000), 1);
        assertThat(r50.capturedLayers()).hasSize(53);
        assertThat(r50.capturedLayers().stream().mapToInt(ConvBn::filters).sum()).isEqualTo(26_560);
        assertThat(r50.capturedLayers()).filteredOn(l -> !l.hasRelu()).hasSize(16 + 4);
        assertThat(r50.capturedLayers()).extracting(ConvBn::layerName).startsWith("stem.conv", "layer1.0.conv1",
                "layer1.0.conv2", "layer1.0.conv3", "layer1.0.downsample", "layer1.1.conv1");
        ConvBn last = r50.capturedLayers().get(52);
        assertThat(last.layerName()).isEqualTo("layer4.2.conv3");
        assertThat(last.filters()).isEqualTo(2048);
        assertThat(last.outHeight()).isEqualTo(7);
    }
}
