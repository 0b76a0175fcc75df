package io.filterwatch.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filterwatch.trainer.api.JobRunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    @Test
    void defaultsAreTheFashionMnistSmallBasicNetWithAdam() {
        RunConfig c = RunConfig.defaults().validate();
        assertThat(c.dataset()).isEqualTo(DatasetKind.FASHION_MNIST);
        assertThat(c.model()).isEqualTo(ModelKind.SMALL_BASIC_NET);
        assertThat(c.optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(c.snapshotInterval()).isEqualTo(100);
        assertThat(c.sampleSize()).isEqualTo(64);
        assertThat(c.batchSize()).isEqualTo(64);
        assertThat(c.runId()).startsWith("run-");
    }

    @Test
    void rejectsRegularisersDjlCannotExpressWithAMessageSayingWhatToDo() {
        assertThatThrownBy(() -> withRegularisers(OptimizerKind.ADAMW, 1e-3, 0).validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use weightDecay with adamw");
        for (OptimizerKind k : List.of(OptimizerKind.SGD, OptimizerKind.ADAM, OptimizerKind.ADAGRAD,
                OptimizerKind.RMSPROP)) {
            assertThatThrownBy(() -> withRegularisers(k, 0, 1e-2).validate())
                    .hasMessageContaining("decoupled weightDecay is only available with adamw");
            assertThat(withRegularisers(k, 1e-3, 0).validate().l2()).isEqualTo(1e-3);
        }
        assertThat(withRegularisers(OptimizerKind.ADAMW, 0, 1e-2).validate().weightDecay()).isEqualTo(1e-2);
    }

    @Test
    void jobModeReadsKebabCasePropertiesAndEnvironmentStyleNames() {
        RunConfig c = JobRunConfig.fromProperties(Map.of(
                "runId", "job-1", "optimizer", "sgd", "learningRate", "0.1", "l2", "1e-3",
                "widths", "8,8,16,16,32", "maxSteps", "3000", "dataset", "fashion_mnist"));
        assertThat(c.optimizer()).isEqualTo(OptimizerKind.SGD);
        assertThat(c.widths()).containsExactly(8, 8, 16, 16, 32);
        assertThat(c.maxSteps()).isEqualTo(3000L);
        assertThatThrownBy(() -> JobRunConfig.fromProperties(Map.of("learningRat", "0.1")))
                .hasMessageContaining("learningRat");
    }

    private static RunConfig withRegularisers(OptimizerKind k, double l2, double wd) {
        return new RunConfig("r", null, null, null, null, null, null, null, k, null, null, l2, wd, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null).resolved();
    }
}
