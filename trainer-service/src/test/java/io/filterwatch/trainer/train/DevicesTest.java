package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.filterwatch.trainer.config.EngineKind.MXNET;
import static io.filterwatch.trainer.config.EngineKind.PYTORCH;

import ai.djl.Device;
import io.filterwatch.trainer.config.ComputeCapability;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** filterwatch.trainer.devices and the batch split, without GPUs: the GPU count is a parameter. */
class DevicesTest {

    private static final IntFunction<String> AMPERE_A100 = id -> "80";

    @Test
    void autoTakesEveryVisibleGpuElseTheCpu() {
        assertThat(Devices.resolve(MXNET, "auto", 0, AMPERE_A100)).containsExactly(Device.cpu());
        assertThat(Devices.resolve(MXNET, "auto", 2, AMPERE_A100)).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(Devices.resolve(MXNET, "", 1, AMPERE_A100)).containsExactly(Device.gpu(0));
    }

    @Test
    void explicitChoices() {
        assertThat(Devices.resolve(MXNET, "cpu", 4, AMPERE_A100)).containsExactly(Device.cpu());
        assertThat(Devices.resolve(MXNET, "gpu", 3, AMPERE_A100)).containsExactly(Device.gpu(0), Device.gpu(1), Device.gpu(2));
        assertThat(Devices.resolve(MXNET, " GPU2, gpu0 ", 3, AMPERE_A100)).containsExactly(Device.gpu(2), Device.gpu(0));
    }

    @Test
    void rejectsWhatCannotRun() {
        assertThatThrownBy(() -> Devices.resolve(MXNET, "gpu", 0, AMPERE_A100)).hasMessageContaining("sees no GPU");
        assertThatThrownBy(() -> Devices.resolve(MXNET, "gpu1", 1, AMPERE_A100)).hasMessageContaining("sees 1 GPU");
        assertThatThrownBy(() -> Devices.resolve(MXNET, "gpu0,gpu0", 2, AMPERE_A100)).hasMessageContaining("twice");
        assertThatThrownBy(() -> Devices.resolve(MXNET, "tpu0", 2, AMPERE_A100)).hasMessageContaining("not a device");
    }

    @Test
    void everyGpuIsCheckedForItsComputeCapability() {
        IntFunction<String> secondIsAda = id -> id == 1 ? "89" : "75";
        assertThatThrownBy(() -> Devices.resolve(MXNET, "auto", 2, secondIsAda))
                .hasMessageContaining("GPU 1 has compute capability 8.9")
                .hasMessageContaining("MXNet 1.9.1 (CUDA 11.2 build) supports compute capability up to 8.0");
        assertThat(Devices.resolve(MXNET, "gpu0", 2, secondIsAda)).containsExactly(Device.gpu(0));
        // The same node is fine for PyTorch's CUDA 12.8 build.
        assertThat(Devices.resolve(PYTORCH, "auto", 2, secondIsAda)).containsExactly(Device.gpu(0), Device.gpu(1));
        // CUDA reports B200 as "100": major 10, not 1 (the old check read one digit and let it through).
        assertThatThrownBy(() -> Devices.resolve(MXNET, "gpu", 1, id -> "100"))
                .hasMessageContaining("compute capability 10.0");
        assertThat(Devices.resolve(PYTORCH, "gpu", 1, id -> "100")).containsExactly(Device.gpu(0));
        assertThatThrownBy(() -> Devices.resolve(PYTORCH, "gpu", 1, id -> "70"))
                .hasMessageContaining("compute capability 7.0").hasMessageContaining("PyTorch 2.7.1");
    }

    /** The table of docs/operations.md, "GPUs and engines": which engine runs on which GPU. */
    @Test
    void eachEngineTakesTheComputeCapabilitiesItsBuildHasKernelsFor() {
        // V100 7.0, T4 7.5, A100 8.0, A10/A10G 8.6, L4/L40S 8.9, H100/H200 9.0, B200 10.0, B300 10.3,
        // RTX PRO 6000 Blackwell 12.0, Thor 11.0 (no kernels in either build).
        String[] cc = {"70", "75", "80", "86", "89", "90", "100", "103", "120", "110"};
        boolean[] mxnet = {true, true, true, false, false, false, false, false, false, false};
        boolean[] pytorch = {false, true, true, true, true, true, true, true, true, false};
        for (int i = 0; i < cc.length; i++) {
            ComputeCapability c = ComputeCapability.parse(cc[i]);
            assertThat(MXNET.supports(c)).as("MXNet on %s", c).isEqualTo(mxnet[i]);
            assertThat(PYTORCH.supports(c)).as("PyTorch on %s", c).isEqualTo(pytorch[i]);
        }
        assertThat(ComputeCapability.parse("100")).isEqualTo(new ComputeCapability(10, 0)).hasToString("10.0");
        assertThat(ComputeCapability.parse("86")).isEqualTo(new ComputeCapability(8, 6)).hasToString("8.6");
        assertThatThrownBy(() -> ComputeCapability.parse("8.6")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'8.6'");
    }

    @Test
    void batchPartsAreContiguousAndDifferByAtMostOne() {
        assertThat(TrainingSession.splits(64, 1)).containsExactly(0, 64);
        assertThat(TrainingSession.splits(64, 2)).containsExactly(0, 32, 64);
        assertThat(TrainingSession.splits(10, 4)).containsExactly(0, 2, 5, 7, 10);
        assertThat(TrainingSession.splits(3, 3)).containsExactly(0, 1, 2, 3);
    }
}
