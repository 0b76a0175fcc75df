package io.filterwatch.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;

/**
 * Switches libtorch's oneDNN (MKL-DNN) path for CPU operators off or on, as PyTorch's
 * {@code torch.backends.mkldnn.enabled} does; DJL's engine has no call for it.
 *
 * <p>Why off: libtorch 2.7.1 (pytorch-native-cpu) runs CPU convolutions through its bundled oneDNN
 * 3.7.1 in blocked layouts whose channel blocks (8 with AVX2, 16 with AVX-512) are padded when a
 * layer's channel count is not a multiple of the block. On those layers the backward pass now and
 * then produced NaN for a whole channel (its BN gamma and beta and every weight of the conv feeding
 * it) while the loss was finite and the same seeded run was otherwise bit-identical: memory left
 * over from earlier operators leaking into results through the padding. Measured with plain DJL
 * blocks (no FilterWatch code), 500 seeded 12-step runs of a 4-4-8-8-8 Conv-BN-ReLU net each:
 * 90 NaN runs with AVX-512 kernels, 3 to 72 with oneDNN held to AVX2, none with widths
 * 8-8-8-8-8 under AVX2, and none with this switch off, with or without ISA caps (every run then
 * bit-identical). ATen's own CPU kernels (im2col and GEMM) take over; GPU runs are unaffected
 * (cuDNN). MXNet's engine has its own MKL-DNN and showed no such failure.
 */
public final class TorchOneDnn {

    private TorchOneDnn() {
    }

    private static final class Context {
        static final NativeLibrary TORCH_CPU = NativeLibrary.getInstance(
                Path.of(loadedLibtorchDir()).resolve(System.mapLibraryName("torch_cpu")).toString());
        // at::globalContext() and its members by their Itanium C++ ABI names: the member functions
        // take the context as their first argument.
        static final Pointer GLOBAL = TORCH_CPU.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        static final Function SET = TORCH_CPU.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb");
        static final Function GET = TORCH_CPU.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");

        private static String loadedLibtorchDir() {
            Engine.getEngine("PyTorch"); // loads libtorch (offline: from the native jar on the classpath)
            return LibUtils.getLibtorchPath();
        }
    }

    /** Turns libtorch's oneDNN CPU path on or off for the whole process; loads the engine if needed. */
    public static synchronized void setEnabled(boolean enabled) {
        Context.SET.invokeVoid(new Object[] {Context.GLOBAL, enabled});
    }

    /** Whether libtorch's CPU operators may use oneDNN in this process. */
    public static boolean enabled() {
        return (Context.GET.invokeInt(new Object[] {Context.GLOBAL}) & 0xff) != 0;
    }
}
