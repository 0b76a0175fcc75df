package io.filterwatch.trainer.model;

import ai.djl.mxnet.engine.MxGradientCollector;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.filterwatch.trainer.config.EngineKind;
import java.util.function.UnaryOperator;

/**
 * The few things the trainer does that DJL's engine-neutral API has no call for, once per engine.
 * Which engine is decided by the array's own class, so a block or optimizer works on both.
 */
public final class EngineOps {

    private EngineOps() {
    }

    /**
     * {@code op(x)} with autograd's recording off (no graph node) and, on MXNet, training mode off
     * (the inference kernel), restoring both afterwards: the forward pass around it goes on
     * recording. PyTorch has no global training mode (DJL passes it to each operator), so only its
     * grad mode is switched.
     */
    public static NDArray outsideAutograd(NDArray x, UnaryOperator<NDArray> op) {
        if (x instanceof PtNDArray) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                return op.apply(x);
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
        boolean recording = MxGradientCollector.setRecording(false);
        boolean train = MxGradientCollector.setTraining(false);
        try {
            return op.apply(x);
        } finally {
            MxGradientCollector.setTraining(train);
            MxGradientCollector.setRecording(recording);
        }
    }

    /**
     * On PyTorch, turns autograd's recording off for the calling thread outside gradient
     * collectors, as DJL's engine does for the thread that loads it: PyTorch's grad mode is per
     * thread and on by default, and DJL's collector restores on close what it found. Left on, the
     * optimizer's in-place updates of leaf parameters fail ("a leaf Variable that requires grad is
     * being used in an in-place operation") and every readout after backward builds graph nodes.
     * MXNet records only inside a collector: nothing to do.
     */
    public static void recordOnlyInCollectors(EngineKind engine) {
        if (engine == EngineKind.PYTORCH) {
            JniUtils.setGradMode(false);
        }
    }

    /**
     * Zeroes the gradient a parameter accumulated, after an optimizer of ours has used it. PyTorch's
     * backward adds to {@code .grad} and DJL's gradient collector does not clear it (DJL's own
     * optimizers' native updates do, after the update); without this the next step's gradient
     * would be the sum of all steps so far. MXNet's backward overwrites its gradient buffers
     * (grad_req write): nothing to do.
     */
    public static void zeroGradient(NDArray parameter) {
        if (parameter instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        }
    }
}
