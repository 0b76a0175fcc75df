package io.filterwatch.trainer.api;

import io.filterwatch.trainer.capture.CapturePlan;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.config.TrainerSettings;
import io.filterwatch.trainer.publish.RunEventPublisher;
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
 * Describe mode ({@code describe}): print what that run would capture and exit, training nothing.
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
    RunEventPublisher events;

    @Inject
    JobRunConfig jobConfig;

    public static void main(String... args) {
        if (describeRequested()) {
            // describe's report is the program's output (stdout, for scripts); logs go to stderr.
            System.setProperty("quarkus.log.console.stderr", "true");
        }
        Quarkus.run(TrainerMain.class, args);
    }

    private static boolean describeRequested() {
        String mode = System.getProperty("filterwatch.trainer.mode", System.getenv("FILTERWATCH_TRAINER_MODE"));
        return mode != null && mode.trim().equalsIgnoreCase(TrainerSettings.Mode.DESCRIBE.name());
    }

    @Override
    public int run(String... args) throws Exception {
        if (settings.mode() == TrainerSettings.Mode.DESCRIBE) {
            return describe();
        }
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
        long flushStart = System.currentTimeMillis();
        boolean flushed = publisher.flush(settings.flushTimeout().toMillis());
        // the run's last event (FINISHED, FAILED) reaches the topic before the process ends
        flushed &= events.flush(Math.max(0, settings.flushTimeout().toMillis() - (System.currentTimeMillis() - flushStart)));
        var stats = publisher.stats();
        LOG.infof("job %s ended %s at step %d; snapshots published %d, dropped %d%s", status.runId(), status.state(),
                status.step(), stats.published(), stats.dropped(), flushed ? "" : " (some still unacknowledged)");
        return status.state() == RunStatus.State.FINISHED ? 0 : 1;
    }

    /** Prints what the configured run would capture; 0, or 2 for an invalid configuration. */
    private int describe() {
        CapturePlan plan;
        try {
            plan = DescribeMode.plan(DescribeMode.config(jobConfig.properties()));
        } catch (IllegalArgumentException e) {
            LOG.error("describe mode: " + e.getMessage());
            return 2;
        }
        plan.lines().forEach(System.out::println);
        System.out.flush();
        return 0;
    }
}
