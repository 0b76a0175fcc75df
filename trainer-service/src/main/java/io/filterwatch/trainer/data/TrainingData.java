package io.filterwatch.trainer.data;

import ai.djl.ndarray.types.Shape;

/**
 * A labelled image corpus held or read locally, accessed by index so that batches are
 * reproducible from (seed, epoch, position) alone: that is what makes a resumed run see the
 * same batches it would have seen without the restart.
 */
public interface TrainingData extends AutoCloseable {

    String name();

    int size();

    int numClasses();

    /** (channels, height, width) of one sample. */
    Shape sampleShape();

    /** Writes sample {@code index}, normalised, as C*H*W floats at {@code offset}. */
    void fill(int index, float[] target, int offset);

    int label(int index);

    @Override
    default void close() {
    }
}
