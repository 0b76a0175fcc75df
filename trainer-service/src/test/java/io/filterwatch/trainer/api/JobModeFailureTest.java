package io.filterwatch.trainer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job mode with a run that cannot start (its dataset is missing): non-zero exit, reason logged. */
@QuarkusMainTest
@TestProfile(JobModeFailureTest.MissingData.class)
class JobModeFailureTest {

    @Test
    void failedRunExitsNonZero(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getOutput() + result.getErrorOutput()).contains("/nonexistent/cifar");
    }

    public static class MissingData implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("filterwatch.trainer.mode", "job",
                    "filterwatch.trainer.flush-timeout", "5s",
                    "kafka.bootstrap.servers", "127.0.0.1:1",
                    "kafka.max.block.ms", "300",
                    "kafka.delivery.timeout.ms", "1000",
                    "kafka.request.timeout.ms", "500",
                    "filterwatch.run.run-id", "job-fails",
                    "filterwatch.run.dataset", "cifar10",
                    "filterwatch.run.data-path", "/nonexistent/cifar");
        }
    }
}
