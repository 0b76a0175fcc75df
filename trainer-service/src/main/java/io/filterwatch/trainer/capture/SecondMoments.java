package io.filterwatch.trainer.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Adagrad;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.RmsProp;
import io.filterwatch.trainer.train.CheckpointedAdam;
import io.filterwatch.trainer.train.DenseAdagrad;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Reads the second-moment state an adaptive optimizer divides by: the exact v the update used,
 * at no per-step cost. Adam and AdamW ({@link CheckpointedAdam}) and AdaGrad ({@link DenseAdagrad})
 * are ours and expose it. DJL's own optimizers (RMSProp; Adam/AdamW/AdaGrad if constructed
 * directly) keep it in private maps (parameter id -> device -> NDArray) with no accessor, so
 * those maps are read by reflection: tracking our own copy would cost an extra pass over every
 * parameter per step and could drift from DJL's (clipping, rescaling). If a DJL upgrade renames
 * a field, construction fails loudly.
 *
 * <ul>
 *   <li>Adam, AdamW: {@code variances}, v = beta2 v + (1-beta2) g'^2 with g' = dLoss/dw + l2 w
 *   (Adam; AdamW's g' is dLoss/dw). DJL folds the bias correction into the learning rate
 *   (lr sqrt(1-beta2^t)/(1-beta1^t)), so the RMS the nominal lr is divided by is
 *   sqrt(v / (1 - beta2^t)); that is what we report.</li>
 *   <li>AdaGrad ({@link DenseAdagrad}, ours): the running sum of g'^2; the step divides by sqrt(history).</li>
 *   <li>RMSProp (non-centred): DJL passes {@code means} as MXNet's n = rho n + (1-rho) g'^2;
 *   the step divides by sqrt(n).</li>
 * </ul>
 */
public final class SecondMoments {

    private final Map<String, Map<?, NDArray>> state;
    private final double beta2;
    /** t per parameter when the optimizer counts it itself (it survives a resume), else null. */
    private final ToIntFunction<String> updateCount;

    private SecondMoments(Map<String, Map<?, NDArray>> state, double beta2, ToIntFunction<String> updateCount) {
        this.state = state;
        this.beta2 = beta2;
        this.updateCount = updateCount;
    }

    private SecondMoments(Map<String, Map<?, NDArray>> state, double beta2) {
        this(state, beta2, null);
    }

    /** Null for optimizers without a second moment (SGD). */
    public static SecondMoments of(Optimizer optimizer) {
        if (optimizer instanceof CheckpointedAdam adam) {
            return new SecondMoments(cast(adam.variances()), adam.beta2(), adam::updates);
        }
        if (optimizer instanceof Adam || optimizer instanceof AdamW) {
            return new SecondMoments(read(optimizer, "variances"), readFloat(optimizer, "beta2"));
        }
        if (optimizer instanceof DenseAdagrad adagrad) {
            return new SecondMoments(cast(adagrad.history()), Double.NaN);
        }
        if (optimizer instanceof Adagrad) {
            return new SecondMoments(read(optimizer, "history"), Double.NaN);
        }
        if (optimizer instanceof RmsProp) {
            return new SecondMoments(read(optimizer, "means"), Double.NaN);
        }
        return null;
    }

    /**
     * The per-element mean-square the step divides by (bias-corrected for Adam), as floats, or
     * null when the optimizer has not updated the parameter yet.
     *
     * @param updates optimizer updates so far in this process (DJL's t, for DJL's optimizers)
     */
    public float[] meanSquare(String parameterId, long updates) {
        Map<?, NDArray> perDevice = state.get(parameterId);
        if (perDevice == null || perDevice.isEmpty()) {
            return null;
        }
        float[] v = perDevice.values().iterator().next().toFloatArray();
        if (updateCount != null) {
            updates = updateCount.applyAsInt(parameterId);
        }
        if (!Double.isNaN(beta2) && updates > 0) {
            float correction = (float) (1.0 / (1.0 - Math.pow(beta2, updates)));
            for (int i = 0; i < v.length; i++) {
                v[i] *= correction;
            }
        }
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Map<?, NDArray>> cast(Map map) {
        return (Map<String, Map<?, NDArray>>) map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<?, NDArray>> read(Optimizer optimizer, String name) {
        try {
            Field f = optimizer.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return (Map<String, Map<?, NDArray>>) f.get(optimizer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + optimizer.getClass().getSimpleName() + "." + name
                    + " (DJL changed?): second moments unavailable", e);
        }
    }

    private static double readFloat(Optimizer optimizer, String name) {
        try {
            Field f = optimizer.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.getFloat(optimizer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + optimizer.getClass().getSimpleName() + "." + name, e);
        }
    }
}
