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

    @Test
    void resNetsCaptureTheirConvBnReluUnits() {
        Network r18 = init(Networks.build(ModelKind.RESNET18, null, new Shape(3, 64, 64), 1000), 1);
        // stem + the first conv of each of the 8 basic blocks
        assertThat(r18.capturedLayers()).hasSize(9);
        assertThat(r18.capturedLayers().get(1).layerName()).isEqualTo("layer1.0.conv1");
        Network r50 = init(Networks.build(ModelKind.RESNET50, null, new Shape(3, 64, 64), 1000), 1);
        // stem + conv1 and conv2 of each of the 16 bottlenecks
        assertThat(r50.capturedLayers()).hasSize(33);
        assertThat(r50.capturedLayers().get(32).filters()).isEqualTo(512);
        assertThat(r50.capturedLayers().get(32).outHeight()).isEqualTo(2);
    }
}
