package io.filterwatch.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.List;

/**
 * A built network: the block, its captured Conv-BN units (every conv layer) in forward order, and the input
 * shape (without the batch axis) it was built for.
 */
public record Network(String name, Block block, List<ConvBn> capturedLayers, Shape sampleShape, int numClasses) {

    public Network {
        capturedLayers = List.copyOf(capturedLayers);
    }

    public void keepOutputs(boolean keep) {
        capturedLayers.forEach(l -> l.keepOutput(keep));
    }
}
