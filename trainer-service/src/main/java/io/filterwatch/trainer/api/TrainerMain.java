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
 * Evaluate mode ({@code evaluate}): score the run's latest checkpoint on the test split, print one
 * JSON line and exit 0 (1 when it cannot, 2 for an invalid configuration).
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
        if (printsResult()) {
            // describe's report and evaluate's JSON is the program's output (stdout, for scripts); logs go to stderr.
            System.setProperty("quarkus.log.console.stderr", "true");
        }
        Quarkus.run(TrainerMain.class, args);
    }

    private static boolean printsResult() {
        String mode = System.getProperty("filterwatch.trainer.mode", System.getenv("FILTERWATCH_TRAINER_MODE"));
        return mode != null && (mode.trim().equalsIgnoreCase(TrainerSettings.Mode.DESCRIBE.name())
                || mode.trim().equalsIgnoreCase(TrainerSettings.Mode.EVALUATE.name()));
    }

    @Override
    public int run(String... args) throws Exception {
        if (settings.mode() == TrainerSettings.Mode.DESCRIBE) {
            return describe();
        }
        if (settings.mode() == TrainerSettings.Mode.EVALUATE) {
            return evaluate();
        }
        EngineEnvironment.check();
        if (settings.mode() != TrainerSettings.Mode.JOB) {
            Quarkus.waitForExit();
            return 0;
        }
        RunConfig config = readRun("job");
        if (config == null) {
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

    /** The run of {@code filterwatch.run.*}, or null (logged) when it is invalid. */
    private RunConfig readRun(String mode) {
        try {
            return jobConfig.read();
        } catch (IllegalArgumentException e) {
            LOG.error(mode + " mode: " + e.getMessage());
            return null;
        }
    }

    /** Prints the configured run's test-split score as one JSON line; 0, 1 when it cannot, 2 for an invalid configuration. */
    private int evaluate() {
        RunConfig config = readRun("evaluate");
        if (config == null) {
            return 2;
        }
        try {
            System.out.println(EvaluateMode.evaluate(config).json());
            System.out.flush();
            return 0;
        } catch (Exception e) {
            LOG.error("evaluate mode: " + e.getMessage());
            return 1;
        }
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
