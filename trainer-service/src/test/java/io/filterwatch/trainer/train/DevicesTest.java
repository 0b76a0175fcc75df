package io.filterwatch.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** filterwatch.trainer.devices and the batch split, without GPUs: the GPU count is a parameter. */
class DevicesTest {

    private static final IntFunction<String> AMPERE_A100 = id -> "80";

    @Test
    void autoTakesEveryVisibleGpuElseTheCpu() {
        assertThat(Devices.resolve("auto", 0, AMPERE_A100)).containsExactly(Device.cpu());
        assertThat(Devices.resolve("auto", 2, AMPERE_A100)).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(Devices.resolve("", 1, AMPERE_A100)).containsExactly(Device.gpu(0));
    }

    @Test
    void explicitChoices() {
        assertThat(Devices.resolve("cpu", 4, AMPERE_A100)).containsExactly(Device.cpu());
        assertThat(Devices.resolve("gpu", 3, AMPERE_A100)).containsExactly(Device.gpu(0), Device.gpu(1), Device.gpu(2));
        assertThat(Devices.resolve(" GPU2, gpu0 ", 3, AMPERE_A100)).containsExactly(Device.gpu(2), Device.gpu(0));
    }

    @Test
    void rejectsWhatCannotRun() {
        assertThatThrownBy(() -> Devices.resolve("gpu", 0, AMPERE_A100)).hasMessageContaining("sees no GPU");
        assertThatThrownBy(() -> Devices.resolve("gpu1", 1, AMPERE_A100)).hasMessageContaining("sees 1 GPU");
        assertThatThrownBy(() -> Devices.resolve("gpu0,gpu0", 2, AMPERE_A100)).hasMessageContaining("twice");
        assertThatThrownBy(() -> Devices.resolve("tpu0", 2, AMPERE_A100)).hasMessageContaining("not a device");
    }

    @Test
    void everyGpuIsCheckedForItsComputeCapability() {
        IntFunction<String> secondIsAda = id -> id == 1 ? "89" : "75";
        assertThatThrownBy(() -> Devices.resolve("auto", 2, secondIsAda))
                .hasMessageContaining("GPU 1 has compute capability 8.9");
        assertThat(Devices.resolve("gpu0", 2, secondIsAda)).containsExactly(Device.gpu(0));
        assertThat(Devices.tooNew("80")).isFalse();
        assertThat(Devices.tooNew("86")).isTrue();
        assertThat(Devices.tooNew("90")).isTrue();
    }

    @Test
    void batchPartsAreContiguousAndDifferByAtMostOne() {
        assertThat(TrainingSession.splits(64, 1)).containsExactly(0, 64);
        assertThat(TrainingSession.splits(64, 2)).containsExactly(0, 32, 64);
        assertThat(TrainingSession.splits(10, 4)).containsExactly(0, 2, 5, 7, 10);
        assertThat(TrainingSession.splits(3, 3)).containsExactly(0, 1, 2, 3);
    }
}
