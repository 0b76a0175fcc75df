package io.filterwatch.trainer.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.trainer.TinyNet;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What describe mode prints: sizes the codec would produce, in the documented line format. */
class CapturePlanTest {

    private static RunConfig config(OptimizerKind optimizer) {
        return new RunConfig("plan-run", ModelKind.SMALL_BASIC_NET, null, DatasetKind.SYNTHETIC, null, null, null,
                null, optimizer, 1e-12, 0.0, 0.0, 0.0, null, null, null, TinyNet.N, 1, 1L, 7L, true, 1, 1, 3, null,
                null, null);
    }

    @Test
    void snapshotBytesAreThoseOfTheSnapshotsTheRunPublishes() throws Exception {
        for (OptimizerKind optimizer : List.of(OptimizerKind.SGD, OptimizerKind.ADAM)) {
            RunConfig config = config(optimizer);
            Network net = TinyNet.residual();
            List<LayerSnapshot> snaps = new ArrayList<>();
            new TrainingSession(config, new RunObserver() {
                @Override
                public void snapshots(List<LayerSnapshot> s) {
                    snaps.addAll(s);
                }
            }).train(net, TinyNet.data(), Device.cpu());
            // The network is initialized now: the plan of the same run and net.
            CapturePlan plan = CapturePlan.of(config, net);
            assertThat(plan.layers()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(plan.layers().get(i).snapshotBytes()).as("%s %d", optimizer, i)
                        .isEqualTo(SnapshotCodec.encode(snaps.get(i)).length);
            }
            // By hand, res.conv: C = 2 filters of 1 x 3 x 3 weights + gamma + beta = 2 x 11 = 22
            // parameters; 2 x 9 MACs at each of 5 x 5 positions = 450.
            CapturePlan.Layer conv = plan.layers().get(0);
            assertThat(conv.parameters()).isEqualTo(22);
            assertThat(conv.flops()).isEqualTo(450);
            assertThat(plan.bytesPerRound()).isEqualTo(
                    (long) plan.layers().get(0).snapshotBytes() + plan.layers().get(1).snapshotBytes());
        }
    }

    @Test
    void linesAreOnePerLayerAndEndWithTheTotal() {
        CapturePlan plan = new CapturePlan(List.of(
                new CapturePlan.Layer("stem.conv", 64, 112, 112, 9536, 118_013_952, 13_187),
                new CapturePlan.Layer("layer1.0.downsample", 256, 56, 56, 16_896, 51_380_224, 52_365)));
        List<String> lines = plan.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split("\\s+")).startsWith("layer", "C", "H", "x", "W", "parameters", "FLOPs");
        assertThat(lines.get(1).trim().split("\\s+"))
                .containsExactly("stem.conv", "64", "112", "x", "112", "9536", "118013952", "13187");
        assertThat(lines.get(2).trim().split("\\s+"))
                .containsExactly("layer1.0.downsample", "256", "56", "x", "56", "16896", "51380224", "52365");
        // 13,187 + 52,365 = 65,552 bytes; numbers without separators
        assertThat(lines.get(3)).isEqualTo("total: 2 layers, 320 filters, 65552 bytes per snapshot round");
    }
}
