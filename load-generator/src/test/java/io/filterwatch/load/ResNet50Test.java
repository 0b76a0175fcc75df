package io.filterwatch.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.RunTopology;
import io.filterwatch.protocol.SnapshotCodec;

class ResNet50Test {

    @Test
    void fiftyThreeLayersAndTheirRealShapes() {
        RunTopology t = ResNet50.topology();
        List<RunTopology.Layer> layers = t.layers();
        assertThat(layers).hasSize(53);
        assertThat(layers.stream().mapToInt(RunTopology.Layer::filters).sum()).isEqualTo(26_560);
        // per stage as docs/operations.md counts them: 64 + 1,408 + 3,584 + 10,240 + 11,264
        assertThat(filters(layers, "stem")).isEqualTo(64);
        assertThat(filters(layers, "layer1.")).isEqualTo(1_408);
        assertThat(filters(layers, "layer2.")).isEqualTo(3_584);
        assertThat(filters(layers, "layer3.")).isEqualTo(10_240);
        assertThat(filters(layers, "layer4.")).isEqualTo(11_264);
        assertThat(layers.get(0)).isEqualTo(new RunTopology.Layer("stem.conv", 0, "input", 64, 3, 7, 2, 3, 112, 112, true));
        assertThat(t.layer("layer1.0.downsample")).isEqualTo(
                new RunTopology.Layer("layer1.0.downsample", 4, "stem.conv", 256, 64, 1, 1, 0, 56, 56, false));
        assertThat(t.layer("layer2.0.conv2")).isEqualTo(
                new RunTopology.Layer("layer2.0.conv2", 12, "layer2.0.conv1", 128, 128, 3, 2, 1, 28, 28, true));
        assertThat(t.layer("layer4.2.conv3")).isEqualTo(
                new RunTopology.Layer("layer4.2.conv3", 52, "layer4.2.conv2", 2048, 512, 1, 1, 0, 7, 7, false));
        assertThat(t.sums()).hasSize(16);
        assertThat(t.head()).isEqualTo(new RunTopology.Head("layer4.2.sum", 1000));
        for (int i = 0; i < layers.size(); i++) {
            assertThat(layers.get(i).layerIndex()).isEqualTo(i);
        }
    }

    @Test
    void oneWorkerRoundAtN128() {
        // per layer 98 + 8 bytes, per filter 68 (columns with second moments) + 8 (scale, fraction sum) + 2 N
        long bytes = 0;
        for (RunTopology.Layer l : ResNet50.topology().layers()) {
            bytes += SnapshotCodec.encodedSize(l.filters(), 128, true, 0);
        }
        assertThat(bytes).isEqualTo(53L * 106 + 26_560L * (68 + 8 + 256)).isEqualTo(8_823_538L);
    }

    private static int filters(List<RunTopology.Layer> layers, String prefix) {
        return layers.stream().filter(l -> l.name().startsWith(prefix)).mapToInt(RunTopology.Layer::filters).sum();
    }
}
