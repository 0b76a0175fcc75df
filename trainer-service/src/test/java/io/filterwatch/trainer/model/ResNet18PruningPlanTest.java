package io.filterwatch.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.PruningPlan;
import io.filterwatch.protocol.PruningPlanCalculator;
import io.filterwatch.protocol.PruningPlanCalculator.FilterReading;
import io.filterwatch.protocol.PruningPlanCalculator.LayerReadings;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.RunTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The topology of the real ResNet-18 (Networks.resNet, ImageNet shapes 3 x 224 x 224, 1,000 classes), as
 * the trainer publishes it, and the plan for a chosen set of dead filters, against counts by hand.
 */
class ResNet18PruningPlanTest {

    static {
        System.setProperty("ai.djl.default_engine", "MXNet");
    }

    private static final RunTopology TOPOLOGY = ModelTopology.of(
            Networks.build(ModelKind.RESNET18, null, new Shape(3, 224, 224), 1000));

    @Test
    void topologyIsTheGraphOfResNet18() {
        RunTopology t = TOPOLOGY;
        assertThat(t.version()).isEqualTo(1);
        assertThat(t.model()).isEqualTo("resnet18");
        assertThat(t.layers()).hasSize(20);
        assertThat(t.layers()).extracting(RunTopology.Layer::layerIndex).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).boxed().toList());
        // stem: 7x7/2, padding 3, 3 -> 64 channels, 112 x 112; reads the image
        assertThat(t.layer("stem.conv")).isEqualTo(new RunTopology.Layer("stem.conv", 0, "input", 64, 3, 7, 2, 3, 112, 112, true));
        // the max-pool is not a node: layer1.0.conv1 reads the stem at 56 x 56
        assertThat(t.layer("layer1.0.conv1")).isEqualTo(
                new RunTopology.Layer("layer1.0.conv1", 1, "stem.conv", 64, 64, 3, 1, 1, 56, 56, true));
        assertThat(t.layer("layer1.0.conv2").relu()).isFalse();
        // identity shortcut: the sum's second input is the stem itself; the next block reads the sum
        assertThat(t.sum("layer1.0.sum").inputs()).containsExactly("layer1.0.conv2", "stem.conv");
        assertThat(t.sum("layer1.1.sum").inputs()).containsExactly("layer1.1.conv2", "layer1.0.sum");
        assertThat(t.layer("layer1.1.conv1").input()).isEqualTo("layer1.0.sum");
        // projection shortcut: 1x1/2 without padding, reading the previous stage's sum
        assertThat(t.layer("layer2.0.downsample")).isEqualTo(
                new RunTopology.Layer("layer2.0.downsample", 7, "layer1.1.sum", 128, 64, 1, 2, 0, 28, 28, false));
        assertThat(t.sum("layer2.0.sum").inputs()).containsExactly("layer2.0.conv2", "layer2.0.downsample");
        assertThat(t.sums()).hasSize(8);
        assertThat(t.head()).isEqualTo(new RunTopology.Head("layer4.1.sum", 1000));
        assertThat(t.consumers("layer2.1.sum")).extracting(RunTopology.Layer::name)
                .containsExactly("layer3.0.conv1", "layer3.0.downsample");

        // on the wire it is a field of STARTED, and reads back equal
        RunEvent started = new RunEvent("r", RunEvent.Type.STARTED, 0, 0, 1, null, null, "started", Map.of(), t);
        assertThat(JsonMessages.fromJson(JsonMessages.toJson(started), RunEvent.class)).isEqualTo(started);
        // small next to Kafka's 1 MB record limit, even for ResNet-50 (docs/protocol.md quotes these)
        int r18 = JsonMessages.toJson(t).length;
        int r50 = JsonMessages.toJson(ModelTopology.of(
                Networks.build(ModelKind.RESNET50, null, new Shape(3, 224, 224), 1000))).length;
        System.out.printf("topology JSON: resnet18 %d bytes, resnet50 %d bytes%n", r18, r50);
        assertThat(r50).isLessThan(20_000);
    }

    /**
     * Dead filters (every other filter alive):
     * <ol>
     * <li>layer1.0.conv1 #3, #7 dead by activation (ReLU layer: output 0). Plain layer, removable.</li>
     * <li>Residual group of stage 2 (members layer2.0.conv2, layer2.0.downsample, layer2.1.conv2; sums
     *     layer2.0.sum, layer2.1.sum), channel 5: gamma 0 in every member, betas -0.5, -0.2, -0.1 (no ReLU:
     *     the constants are the betas). layer2.0.sum = ReLU(-0.5 - 0.2) = 0, layer2.1.sum = ReLU(-0.1 + 0) = 0:
     *     every consumer reads 0, nothing to fold; removable. layer2.1.conv1 #5 is dead by activation too
     *     (a weight between two removed channels: counted once).</li>
     * <li>Same group, channel 9: constant in layer2.0.conv2 and layer2.0.downsample, alive in layer2.1.conv2:
     *     blocked, partner alive.</li>
     * <li>layer3.1.conv1 #2: gamma 0, beta 0.4: emits 0.4 into layer3.1.conv2 (3x3, padding 1): blocked,
     *     the fold would be wrong at the border.</li>
     * <li>Stage 4's group, channel 11: betas layer4.0.conv2 -0.3, layer4.0.downsample 0.1 (sum ReLU(-0.2) = 0),
     *     layer4.1.conv2 0.6 (sum ReLU(0.6 + 0) = 0.6): layer4.1.sum feeds only the head (global average
     *     pool then dense), which reads 0.6: folded into the head's bias, exact. Removable.</li>
     * <li>stem.conv #0 dead by activation: it feeds stage 1's sums through the identity shortcuts, where
     *     layer1.0.conv2 and layer1.1.conv2 are alive in channel 0: blocked.</li>
     * </ol>
     */
    @Test
    void planForChosenDeadFiltersMatchesTheCountsByHand() {
        Map<String, List<FilterReading>> dead = new LinkedHashMap<>();
        dead.put("stem.conv", List.of(act(0)));
        dead.put("layer1.0.conv1", List.of(act(3), act(7)));
        dead.put("layer2.0.conv2", List.of(scale(5, -0.5), scale(9, -0.5)));
        dead.put("layer2.0.downsample", List.of(scale(5, -0.2), scale(9, 0.3)));
        dead.put("layer2.1.conv1", List.of(act(5)));
        dead.put("layer2.1.conv2", List.of(scale(5, -0.1)));
        dead.put("layer3.1.conv1", List.of(scale(2, 0.4)));
        dead.put("layer4.0.conv2", List.of(scale(11, -0.3)));
        dead.put("layer4.0.downsample", List.of(scale(11, 0.1)));
        dead.put("layer4.1.conv2", List.of(scale(11, 0.6)));
        List<LayerReadings> readings = new ArrayList<>();
        for (RunTopology.Layer l : TOPOLOGY.layers()) {
            readings.add(new LayerReadings(l.name(), l.layerIndex(), l.filters(), dead.getOrDefault(l.name(), List.of())));
        }
        PruningPlan plan = PruningPlanCalculator.plan("r18", 100, TOPOLOGY, readings);
        assertThat(plan.topologyVersion()).isEqualTo(1);

        // Per layer: k^2 (ro inC + ri F - ro ri) + 2 ro parameters, k^2 H W (ro inC + ri F - ro ri) MACs.
        // layer1.0.conv1: k 3, inC 64, F 64, 56 x 56 = 3,136; ro 2, ri 0: 128 slices
        //   -> 9 x 128 + 4 = 1,156 params, 9 x 3,136 x 128 = 3,612,672 MACs
        expect(plan, "layer1.0.conv1", List.of(3, 7), 1_156, 3_612_672);
        // layer1.0.conv2 reads it: ro 0, ri 2: 128 slices -> 1,152 params, 3,612,672 MACs
        expect(plan, "layer1.0.conv2", List.of(), 1_152, 3_612_672);
        // layer2.0.conv2: k 3, inC 128, 28 x 28 = 784; ro 1: 128 slices -> 1,154 params, 9 x 784 x 128 = 903,168
        expect(plan, "layer2.0.conv2", List.of(5), 1_154, 903_168);
        // layer2.0.downsample: k 1, inC 64; ro 1: 64 slices -> 66 params, 784 x 64 = 50,176 MACs
        expect(plan, "layer2.0.downsample", List.of(5), 66, 50_176);
        // layer2.1.conv1 reads layer2.0.sum (channel 5 gone) and loses #5: 128 + 128 - 1 = 255 slices
        //   -> 9 x 255 + 2 = 2,297 params, 9 x 784 x 255 = 1,799,280 MACs (not 256: the crossing weight once)
        expect(plan, "layer2.1.conv1", List.of(5), 2_297, 1_799_280);
        // layer2.1.conv2 reads layer2.1.conv1 (#5 gone), loses channel 5: the same 255 slices
        expect(plan, "layer2.1.conv2", List.of(5), 2_297, 1_799_280);
        // layer3.0.conv1 reads layer2.1.sum: ri 1, F 256, 14 x 14 = 196: 256 slices -> 2,304, 9 x 196 x 256 = 451,584
        expect(plan, "layer3.0.conv1", List.of(), 2_304, 451_584);
        // layer3.0.downsample: k 1, ri 1, F 256: 256 params, 196 x 256 = 50,176 MACs
        expect(plan, "layer3.0.downsample", List.of(), 256, 50_176);
        // layer4.0.conv2: k 3, inC 512, 7 x 7 = 49; ro 1: 512 slices -> 4,610, 9 x 49 x 512 = 225,792
        expect(plan, "layer4.0.conv2", List.of(11), 4_610, 225_792);
        // layer4.0.downsample: k 1, inC 256; ro 1 -> 258 params, 49 x 256 = 12,544 MACs
        expect(plan, "layer4.0.downsample", List.of(11), 258, 12_544);
        // layer4.1.conv1 reads layer4.0.sum: ri 1, F 512 -> 4,608 params, 225,792 MACs
        expect(plan, "layer4.1.conv1", List.of(), 4_608, 225_792);
        // layer4.1.conv2: ro 1, inC 512 -> 4,610 params, 225,792 MACs
        expect(plan, "layer4.1.conv2", List.of(11), 4_610, 225_792);
        expect(plan, "layer3.1.conv1", List.of(), 0, 0);
        expect(plan, "stem.conv", List.of(), 0, 0);
        // head: 1 removed input channel x 1,000 classes
        assertThat(plan.headParamsSaved()).isEqualTo(1_000);
        // totals: 1,156 + 1,152 + 1,154 + 66 + 2,297 + 2,297 + 2,304 + 256 + 4,610 + 258 + 4,608 + 4,610 + 1,000
        assertThat(plan.paramsSaved()).isEqualTo(25_768);
        // 2 x 3,612,672 + 903,168 + 50,176 + 2 x 1,799,280 + 451,584 + 50,176 + 3 x 225,792 + 12,544 + 1,000
        assertThat(plan.flopsSaved()).isEqualTo(12_969_928);
        // 2 (layer1.0.conv1) + 3 (stage-2 channel 5) + 1 (layer2.1.conv1) + 3 (stage-4 channel 11)
        assertThat(plan.removableFilters()).isEqualTo(9);

        PruningPlan.ResidualGroup stage2 = group(plan, "layer2.0.conv2");
        assertThat(stage2.members()).containsExactly("layer2.0.conv2", "layer2.0.downsample", "layer2.1.conv2");
        assertThat(stage2.sums()).containsExactly("layer2.0.sum", "layer2.1.sum");
        assertThat(stage2.removable()).containsExactly(5);
        assertThat(stage2.folds()).isEmpty();
        assertThat(stage2.blocked()).singleElement().satisfies(b -> {
            assertThat(b.filter()).isEqualTo(9);
            assertThat(b.reason()).contains("not constant in layer2.1.conv2");
        });
        assertThat(layer(plan, "layer2.0.downsample").blocked()).extracting(PruningPlan.Blocked::filter).containsExactly(9);

        PruningPlan.ResidualGroup stage4 = group(plan, "layer4.1.conv2");
        assertThat(stage4.folds()).containsExactly(new PruningPlan.Fold(11,
                List.of(new PruningPlan.FoldTarget("head", "bias", 0.6))));

        assertThat(layer(plan, "layer3.1.conv1").blocked()).singleElement().satisfies(b -> {
            assertThat(b.filter()).isEqualTo(2);
            assertThat(b.reason()).contains("0.4 into layer3.1.conv2 (3x3, padding 1)");
        });
        PruningPlan.ResidualGroup stage1 = group(plan, "stem.conv");
        assertThat(stage1.members()).containsExactly("stem.conv", "layer1.0.conv2", "layer1.1.conv2");
        assertThat(stage1.blocked()).singleElement().satisfies(b ->
                assertThat(b.reason()).contains("not constant in layer1.0.conv2, layer1.1.conv2"));

        // the plan is the shared JSON type: it reads back equal
        assertThat(JsonMessages.fromJson(JsonMessages.toJson(plan), PruningPlan.class)).isEqualTo(plan);
    }

    private static FilterReading act(int filter) {
        return new FilterReading(filter, true, 0.5, -0.1);
    }

    private static FilterReading scale(int filter, double beta) {
        return new FilterReading(filter, false, 0.0, beta);
    }

    private static void expect(PruningPlan plan, String layer, List<Integer> removable, long params, long macs) {
        PruningPlan.LayerPlan l = layer(plan, layer);
        assertThat(l.removable()).as(layer).containsExactlyElementsOf(removable);
        assertThat(l.paramsSaved()).as(layer + " params").isEqualTo(params);
        assertThat(l.flopsSaved()).as(layer + " MACs").isEqualTo(macs);
    }

    private static PruningPlan.LayerPlan layer(PruningPlan plan, String name) {
        return plan.layers().stream().filter(l -> l.layer().equals(name)).findFirst().orElseThrow();
    }

    private static PruningPlan.ResidualGroup group(PruningPlan plan, String member) {
        return plan.residualGroups().stream().filter(g -> g.members().contains(member)).findFirst().orElseThrow();
    }
}
