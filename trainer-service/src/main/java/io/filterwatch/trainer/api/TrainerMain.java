package io.filterwatch.trainer.api;

import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.config.TrainerSettings;
import io.filterwatch.trainer.publish.SnapshotPublisher;
import io.filterwatch.trainer.train.RunManager;
import io.filterwatch.trainer.train.RunStatus;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Server mode (default): serve REST until stopped. Job mode ({@code filterwatch.trainer.mode=job},
 * for a Kubernetes Job): train the run described by {@code filterwatch.run.*}, wait for the last
 * snapshots to reach Kafka, and exit 0 when the run finished, 1 when it failed or stopped.
 */
@QuarkusMain
public class TrainerMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(TrainerMain.class);

    @Inject
    TrainerSettings settings;

    @Inject
    RunManager runs;

    @Inject
    SnapshotPublisher publisher;

    @Inject
    JobRunConfig jobConfig;

    public static void main(String... args) {
        Quarkus.run(TrainerMain.class, args);
    }

    @Override
    public int run(String... args) throws Exception {
        EngineEnvironment.check();
        if (settings.mode() != TrainerSettings.Mode.JOB) {
            Quarkus.waitForExit();
            return 0;
        }
        RunConfig config;
        try {
            config = jobConfig.read();
        } catch (IllegalArgumentException e) {
            LOG.error("job mode: " + e.getMessage());
            return 2;
        }
        RunStatus status = runs.runBlocking(config);
        boolean flushed = publisher.flush(settings.flushTimeout().toMillis());
        var stats = publisher.stats();
        LOG.infof("job %s ended %s at step %d; snapshots published %d, dropped %d%s", status.runId(), status.state(),
                status.step(), stats.published(), stats.dropped(), flushed ? "" : " (some still unacknowledged)");
        return status.state() == RunStatus.State.FINISHED ? 0 : 1;
    }
}
