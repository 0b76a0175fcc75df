package io.filterwatch.protocol;

import java.util.Objects;

/**
 * @param name        layer name, unique within the run (e.g. {@code conv3}, {@code layer2.1.conv2})
 * @param index       position of the layer among the run's captured conv layers, from 0
 * @param filterCount number of filters (output channels) C
 * @param outHeight   height of the layer's output map
 * @param outWidth    width of the layer's output map
 */
public record LayerInfo(String name, int index, int filterCount, int outHeight, int outWidth) {
    public LayerInfo {
        Objects.requireNonNull(name, "name");
    }
}
