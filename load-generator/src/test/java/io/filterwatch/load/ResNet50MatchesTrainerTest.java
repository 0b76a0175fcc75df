package io.filterwatch.load;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.model.ModelTopology;
import io.filterwatch.trainer.model.Networks;
import org.junit.jupiter.api.Test;

/**
 * The load generator's ResNet-50 is a plain-Java copy of the trainer's layer shapes (the generator must not
 * need DJL). This ties the copy to the original: the trainer's {@code ModelTopology}, read from its DJL block
 * tree at ImageNet shapes, must be the same topology layer for layer, so a change to the trainer's network
 * fails here instead of leaving the load figures about a network nobody trains.
 */
class ResNet50MatchesTrainerTest {

    @Test
    void sameLayersSumsAndHeadAsTheTrainersResNet50() {
        RunTopology trainers = ModelTopology.of(Networks.build(ModelKind.RESNET50, null,
                new Shape(3, ResNet50.IMAGE_SIZE, ResNet50.IMAGE_SIZE), ResNet50.CLASSES));
        RunTopology ours = ResNet50.topology();

        assertThat(ours.layers()).hasSize(53).containsExactlyElementsOf(trainers.layers());
        assertThat(ours.sums()).containsExactlyElementsOf(trainers.sums());
        assertThat(ours.head()).isEqualTo(trainers.head());
        assertThat(ours).isEqualTo(trainers);
    }
}
