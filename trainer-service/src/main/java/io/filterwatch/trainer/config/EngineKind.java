package io.filterwatch.trainer.config;

import java.util.Locale;

/**
 * The DJL engine the trainer runs on ({@code filterwatch.trainer.engine}). A service setting, not
 * a run's: which engine can drive a GPU is a property of the image (its CUDA natives) and of the
 * node it landed on, not of the experiment.
 *
 * <p>What each engine's GPU build runs on ({@link #supports}):
 * <ul>
 *   <li>MXNet 1.9.1, DJL's {@code cu112mkl} build (CUDA 11.2): compute capability up to 8.0 (A100),
 *   the limit issue #16 measured; 8.6/8.9/9.0/10.0 are refused before the first kernel.</li>
 *   <li>PyTorch 2.7.1, the {@code cu128} libtorch (CUDA 12.8): PyTorch builds it for sm_75, 8.0,
 *   8.6, 9.0, 10.0 and 12.0 (Volta's 7.0 and Pascal were dropped from 2.7's CUDA 12.8 builds and
 *   Volta returned only in 2.8). A cubin runs on any later minor of its major, so we accept 7.5+,
 *   every 8.x, 9.x, 10.x (H100/H200 9.0, B200 10.0) and 12.x. 11.x (Thor) has no cubin and no
 *   PTX in that build, and anything older than 7.5 has neither: refused.</li>
 * </ul>
 */
public enum EngineKind {
    MXNET("MXNet"),
    PYTORCH("PyTorch");

    /** The default, here and only here: {@link TrainerSettings#engine()} refers to it. */
    public static final String DEFAULT_NAME = "mxnet";
    public static final EngineKind DEFAULT = EngineKind.valueOf(DEFAULT_NAME.toUpperCase(Locale.ROOT));

    private final String djlName;

    EngineKind(String djlName) {
        this.djlName = djlName;
    }

    /** The engine's name in DJL ({@code Engine.getEngine(name)}). */
    public String djlName() {
        return djlName;
    }

    /** What the guard says about this engine's GPU build, for its error message. */
    public String gpuBuild() {
        return this == MXNET
                ? "MXNet 1.9.1 (CUDA 11.2 build) supports compute capability up to 8.0"
                : "PyTorch 2.7.1 (CUDA 12.8 build) supports compute capability 7.5 to 10.x and 12.x";
    }

    public boolean supports(ComputeCapability cc) {
        int major = cc.major();
        int minor = cc.minor();
        return switch (this) {
            case MXNET -> major < 8 || (major == 8 && minor == 0);
            case PYTORCH -> (major == 7 && minor >= 5) || major == 8 || major == 9 || major == 10 || major == 12;
        };
    }
}
