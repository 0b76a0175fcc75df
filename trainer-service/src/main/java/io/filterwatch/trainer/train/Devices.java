package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

/**
 * Picks the training device: the first GPU when MXNet sees one, else the CPU. MXNet 1.9.1 is
 * built against CUDA 11.2; on a GPU newer than compute capability 8.0 it would fail deep inside
 * the first kernel launch, so we fail here with a message instead.
 */
public final class Devices {

    private Devices() {
    }

    public static Device pick() {
        int gpus = Engine.getEngine("MXNet").getGpuCount();
        if (gpus == 0) {
            return Device.cpu();
        }
        String cc = CudaUtils.getComputeCapability(0);
        if (tooNew(cc)) {
            throw new IllegalStateException("GPU 0 has compute capability " + cc.charAt(0) + "." + cc.substring(1)
                    + "; MXNet 1.9.1 (CUDA 11.2) supports at most 8.0. Run on an older GPU or hide it "
                    + "(CUDA_VISIBLE_DEVICES=) to train on the CPU.");
        }
        return Device.gpu(0);
    }

    static boolean tooNew(String computeCapability) {
        int major = computeCapability.charAt(0) - '0';
        int minor = computeCapability.length() > 1 ? Integer.parseInt(computeCapability.substring(1)) : 0;
        return major > 8 || (major == 8 && minor > 0);
    }
}
