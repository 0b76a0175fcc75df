package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import io.filterwatch.trainer.model.EngineOps;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AdaGrad for dense gradients, and RMSProp where DJL has none. DJL 0.36's {@code Adagrad} calls
 * MXNet's {@code _sparse_adagrad_update}, which only accepts row-sparse gradients and fails on
 * every conv layer ("Operator not implemented ... input storage types = [default, row_sparse ...]");
 * so we do the update with plain NDArray operations:
 * g' = g + l2 w; h += g'^2; w -= lr g' / (sqrt(h) + eps). Coupled L2, as MXNet's AdaGrad.
 *
 * <p>{@link #rmsProp}: DJL 0.36's PyTorch engine does not implement {@code rmspropUpdate} (it
 * throws UnsupportedOperationException), so on PyTorch RMSProp is this class with a decaying
 * average instead of a sum: h = rho h + (1 - rho) g'^2, w -= lr g' / (sqrt(h) + eps), rho 0.9 and
 * eps 1e-8 as DJL's RMSProp builder; coupled L2 as on MXNet. On MXNet RMSProp stays DJL's.
 */
public final class DenseAdagrad extends Optimizer implements OptimizerState {

    private final ParameterTracker learningRate;
    private final float epsilon;
    /** NaN: AdaGrad (h is a sum); else RMSProp's decay of h. */
    private final float rho;
    private final Map<String, Map<Device, NDArray>> history = new ConcurrentHashMap<>();
    /** Sums read from a checkpoint, put on the device at each parameter's first update. */
    private final Map<String, float[]> restored = new ConcurrentHashMap<>();

    public DenseAdagrad(ParameterTracker learningRate, float l2, float epsilon) {
        this(learningRate, l2, epsilon, Float.NaN);
    }

    private DenseAdagrad(ParameterTracker learningRate, float l2, float epsilon, float rho) {
        super(new Builder().optWeightDecays(l2));
        this.learningRate = learningRate;
        this.epsilon = epsilon;
        this.rho = rho;
    }

    /** Non-centred RMSProp without momentum, with DJL's defaults (rho 0.9, eps 1e-8). */
    public static DenseAdagrad rmsProp(ParameterTracker learningRate, float l2) {
        return new DenseAdagrad(learningRate, l2, 1e-8f, 0.9f);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        float wd = getWeightDecay();
        float[] saved = restored.remove(parameterId);
        NDArray h = withDefaultState(history, parameterId, weight.getDevice(),
                k -> OptimizerState.initialState(weight, saved));
        // Every intermediate is closed here: results attach to the operands' managers (the
        // model's), and would otherwise accumulate for the whole run.
        try (NDArray decay = weight.mul(wd);
             NDArray g = grad.mul(rescaleGrad).addi(decay);
             NDArray g2 = g.square()) {
            if (Float.isNaN(rho)) {
                h.addi(g2);
            } else {
                h.muli(rho).addi(g2.muli(1 - rho));
            }
            try (NDArray denominator = h.sqrt().addi(epsilon);
                 NDArray step = g.div(denominator).muli(lr)) {
                weight.subi(step);
            }
        }
        EngineOps.zeroGradient(weight);
    }

    /**
     * The accumulated (AdaGrad) or averaged (RMSProp) squared gradients, per parameter id and
     * device (read by SecondMoments).
     */
    public Map<String, Map<Device, NDArray>> history() {
        return history;
    }

    @Override
    public void save(DataOutputStream out, Map<String, String> names) throws IOException {
        out.writeInt(history.size() + restored.size());
        for (Map.Entry<String, Map<Device, NDArray>> e : history.entrySet()) {
            write(out, names.get(e.getKey()), e.getValue().values().iterator().next().toFloatArray());
        }
        for (Map.Entry<String, float[]> e : restored.entrySet()) {
            write(out, names.get(e.getKey()), e.getValue());
        }
    }

    private static void write(DataOutputStream out, String name, float[] h) throws IOException {
        out.writeUTF(name);
        out.writeInt(h.length);
        OptimizerState.writeFloats(out, h);
    }

    @Override
    public void load(DataInputStream in, Map<String, String> ids) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String id = OptimizerState.idOf(ids, in.readUTF());
            restored.put(id, OptimizerState.readFloats(in, in.readInt()));
        }
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
