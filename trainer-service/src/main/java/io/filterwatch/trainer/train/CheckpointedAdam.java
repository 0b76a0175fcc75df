package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DJL 0.36's Adam and AdamW update, step for step (same MXNet {@code adam_update} call with the
 * same arguments), with the state in maps of our own so that it can be checkpointed: DJL keeps
 * m, v and the update count t in private fields with no API to read or set them. So a resumed
 * run continues with the moments and the bias correction it had, not from zero.
 *
 * <p>{@code decoupled}: AdamW (weight decay applied to the weight, MXNet's adamw flag); else
 * Adam, whose weight decay is coupled L2 (added to the gradient inside the update).
 */
public final class CheckpointedAdam extends Optimizer implements OptimizerState {

    private static final int FORMAT = 1;

    private final ParameterTracker learningRate;
    private final boolean decoupled;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float epsilon = 1e-8f;
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();
    private final Map<String, Integer> updates = new ConcurrentHashMap<>();
    /** The device whose update counts a step, per parameter (see {@link #update}). */
    private final Map<String, Device> counting = new ConcurrentHashMap<>();
    /** Moments read from a checkpoint, put on the device at each parameter's first update. */
    private final Map<String, float[][]> restored = new ConcurrentHashMap<>();

    public CheckpointedAdam(ParameterTracker learningRate, float weightDecay, boolean decoupled) {
        super(new Builder().optWeightDecays(weightDecay));
        this.learningRate = learningRate;
        this.decoupled = decoupled;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        // MXNet's KVStore updates one copy per step; DJL's LocalParameterServer (PyTorch) calls us
        // once per device copy with the same summed gradient. t counts steps, so only the first
        // device's call advances it (DJL's own Adam counts every call: t would run n times fast).
        Device counter = counting.computeIfAbsent(parameterId, k -> weight.getDevice());
        int t = counter.equals(weight.getDevice())
                ? updates.merge(parameterId, 1, Integer::sum) : updates.get(parameterId);
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lr = learningRate.getNewValue(parameterId, t);
        // DJL folds the bias correction into the learning rate: lr sqrt(1 - beta2^t) / (1 - beta1^t).
        float correctedLr = (float) (lr * Math.sqrt(coef2) / coef1);
        float wd = getWeightDecay();
        float checked = decoupled ? lr : correctedLr;
        if (Float.isNaN(checked) || Float.isNaN(wd) || Float.isInfinite(checked) || Float.isInfinite(wd)) {
            throw new IllegalArgumentException("learning rate or weight decay is nan or infinite");
        }
        float[][] saved = restored.remove(parameterId);
        NDList inputs = new NDList(weight, grad,
                withDefaultState(means, parameterId, weight.getDevice(),
                        k -> OptimizerState.initialState(weight, saved == null ? null : saved[0])),
                withDefaultState(variances, parameterId, weight.getDevice(),
                        k -> OptimizerState.initialState(weight, saved == null ? null : saved[1])));
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, correctedLr, wd, rescaleGrad,
                clipGrad, beta1, beta2, epsilon, true, decoupled);
    }

    /** v per parameter id and device (what {@code SecondMoments} reports). */
    public Map<String, Map<Device, NDArray>> variances() {
        return variances;
    }

    public float beta2() {
        return beta2;
    }

    /** t of a parameter: its updates so far, counting those before a restore. */
    public int updates(String parameterId) {
        return updates.getOrDefault(parameterId, 0);
    }

    @Override
    public void save(DataOutputStream out, Map<String, String> names) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(updates.size());
        for (Map.Entry<String, Integer> e : updates.entrySet()) {
            String id = e.getKey();
            float[][] state = restored.get(id);
            if (state == null) {
                state = new float[][] {first(means, id).toFloatArray(), first(variances, id).toFloatArray()};
            }
            out.writeUTF(names.get(id));
            out.writeInt(e.getValue());
            out.writeInt(state[0].length);
            OptimizerState.writeFloats(out, state[0]);
            OptimizerState.writeFloats(out, state[1]);
        }
    }

    @Override
    public void load(DataInputStream in, Map<String, String> ids) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("optimizer state format " + format + ", expected " + FORMAT);
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String id = OptimizerState.idOf(ids, in.readUTF());
            int t = in.readInt();
            int length = in.readInt();
            float[][] state = {OptimizerState.readFloats(in, length), OptimizerState.readFloats(in, length)};
            updates.put(id, t);
            restored.put(id, state);
        }
    }

    /** The state lives on the one device MXNet's KVStore runs the update on. */
    private static NDArray first(Map<String, Map<Device, NDArray>> map, String id) {
        return map.get(id).values().iterator().next();
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
