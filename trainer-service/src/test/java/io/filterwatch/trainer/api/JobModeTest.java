package io.filterwatch.trainer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job mode: one run from configuration, then exit 0 (finished) or non-zero. No broker needed. */
@QuarkusMainTest
@TestProfile(JobModeTest.TinyJob.class)
class JobModeTest {

    @Test
    void trainsTheConfiguredRunAndExitsZero(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("job job-test ended FINISHED at step 6");
    }

    public static class TinyJob implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>();
            m.put("filterwatch.trainer.mode", "job");
            m.put("filterwatch.trainer.flush-timeout", "20s");
            m.put("kafka.bootstrap.servers", "127.0.0.1:1");
            m.put("kafka.max.block.ms", "300");
            m.put("kafka.delivery.timeout.ms", "1000");
            m.put("kafka.request.timeout.ms", "500");
            m.put("filterwatch.run.run-id", "job-test");
            m.put("filterwatch.run.model", "small_basic_net");
            m.put("filterwatch.run.widths", "4,4,8,8,8");
            m.put("filterwatch.run.dataset", "synthetic");
            m.put("filterwatch.run.synthetic-samples", "128");
            m.put("filterwatch.run.batch-size", "16");
            m.put("filterwatch.run.max-steps", "6");
            m.put("filterwatch.run.snapshot-interval", "3");
            return m;
        }
    }
}
