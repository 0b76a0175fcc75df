package io.filterwatch.trainer.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;

/**
 * Holds libtorch's CPU kernels to AVX2, before the first PyTorch operation of the process
 * (TrainingSession does it when a run starts on PyTorch; MXNet runs are left alone):
 * oneDNN's ({@code ONEDNN_MAX_CPU_ISA=AVX2}, the convolutions) and ATen's own
 * ({@code ATEN_CPU_CAPABILITY=avx2}, everything else).
 *
 * <p>Why: libtorch 2.7.1 (pytorch-native-cpu) runs CPU convolutions through its bundled oneDNN
 * 3.7.1, which picks AVX-512 JIT kernels where the CPU has AVX-512 (here a virtualised AMD EPYC).
 * With them, training on PyTorch's CPU turned NaN non-deterministically: the same seeded run gave
 * identical losses when it worked, and otherwise NaN gradients in the early layers after some
 * backward pass, at a random step (15 of 16 runs of the trainer's test network; 8 of 10 plain DJL
 * runs of the same layers; also with one thread and with no GC). With oneDNN held to AVX2, 0 of
 * 130 such runs failed, but two batches taken while the machine was heavily loaded still did
 * (2 of 16, 16 of 16), which looks like AVX-512 state not surviving on this virtual CPU rather
 * than a oneDNN bug; hence ATen's AVX-512 kernels are left out too. MXNet's engine showed no such
 * failure. {@code PyTorchCpuTrainingTest} pins it; GPU runs do their work in CUDA, not here.
 *
 * <p>How: both libraries read their variable from the process environment once, at their first
 * kernel choice, so setting it in-process (libc's setenv through JNA) before any PyTorch
 * operation is enough. A value set by the operator is kept (e.g. {@code ONEDNN_MAX_CPU_ISA=AVX512_CORE}
 * and {@code ATEN_CPU_CAPABILITY=avx512} on a host where those kernels are known to be right).
 */
public final class TorchCpuIsa {

    /** Variable -> value set unless already set. */
    public static final Map<String, String> CAPS = Map.of("ONEDNN_MAX_CPU_ISA", "AVX2", "ATEN_CPU_CAPABILITY", "avx2");

    private TorchCpuIsa() {
    }

    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /** Sets each of {@link #CAPS} unless already set. Idempotent; before the first PyTorch operation. */
    public static void capBeforeFirstUse() {
        CAPS.forEach((name, value) -> {
            if (Holder.LIBC.setenv(name, value, 0) != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed");
            }
        });
    }

    /** The value libtorch will read: the process environment as native code sees it (not Java's copy). */
    public static String effective(String variable) {
        return Holder.LIBC.getenv(variable);
    }
}
