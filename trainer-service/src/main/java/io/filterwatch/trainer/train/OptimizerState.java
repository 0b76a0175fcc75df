package io.filterwatch.trainer.train;

import ai.djl.ndarray.NDArray;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * An optimizer whose state (moments, update counts) a checkpoint can carry. Ours only: DJL 0.36
 * keeps its optimizers' state private, so SGD's momentum and RMSProp's mean square restart
 * after a resume.
 */
public interface OptimizerState {

    /**
     * @param names a parameter's stable name (its path in the block) by its id: ids are random
     *              per process, names are the same in the resumed run
     */
    void save(DataOutputStream out, Map<String, String> names) throws IOException;

    /**
     * Before the first update of a resumed run.
     *
     * @param ids a parameter's id in this process by its name
     */
    void load(DataInputStream in, Map<String, String> ids) throws IOException;

    /** The parameter id of a saved state's name; a state the model cannot take is an error, not skipped. */
    static String idOf(Map<String, String> ids, String name) throws IOException {
        String id = ids.get(name);
        if (id == null) {
            throw new IOException("optimizer state for " + name + ", which this model does not have");
        }
        return id;
    }

    static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    static float[] readFloats(DataInputStream in, int length) throws IOException {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    /** A state array for {@code weight}: the values a checkpoint saved, else zeros. */
    static NDArray initialState(NDArray weight, float[] saved) {
        NDArray state = weight.zerosLike();
        if (saved != null) {
            state.set(FloatBuffer.wrap(saved));
        }
        return state;
    }
}
