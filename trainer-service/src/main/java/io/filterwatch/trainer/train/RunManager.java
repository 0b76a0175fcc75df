package io.filterwatch.trainer.train;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.config.TrainerSettings;
import io.filterwatch.trainer.model.ModelTopology;
import io.filterwatch.trainer.publish.RunEventPublisher;
import io.filterwatch.trainer.publish.SnapshotPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs one training run at a time on a dedicated thread (the CPU or GPU is the bottleneck; two
 * runs would only slow each other down), wires it to the publishers, metrics and console
 * progress, and keeps the status of every run of this process.
 */
@ApplicationScoped
public class RunManager {

    private static final Logger LOG = Logger.getLogger(RunManager.class);

    @Inject
    SnapshotPublisher snapshots;

    @Inject
    RunEventPublisher events;

    @Inject
    MeterRegistry registry;

    @Inject
    TrainerSettings settings;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Tracked> runs = new ConcurrentHashMap<>();
    private volatile Tracked current;
    private Counter steps;
    private Timer stepTime;

    @PostConstruct
    void metrics() {
        steps = Counter.builder("filterwatch.trainer.steps").description("Optimizer steps").register(registry);
        stepTime = Timer.builder("filterwatch.trainer.step.time").description("Wall time of one training step")
                .publishPercentiles(0.5, 0.95).register(registry);
    }

    void onStop(@Observes ShutdownEvent event) {
        Tracked t = current;
        if (t != null) {
            t.session.requestStop();
        }
        executor.shutdown();
    }

    /** Starts a run; fails with {@link IllegalStateException} while another is running. */
    public synchronized RunStatus start(RunConfig requested) {
        Tracked active = current;
        if (active != null && active.status().active()) {
            throw new IllegalStateException("run " + active.session.config().runId() + " is still running");
        }
        RunConfig config = requested.resolved().validate();
        Tracked tracked = new Tracked(config);
        runs.put(config.runId(), tracked);
        current = tracked;
        tracked.future = executor.submit(() -> execute(tracked));
        return tracked.status();
    }

    /** Job mode: trains on the caller's thread and returns how it ended. */
    public RunStatus runBlocking(RunConfig requested) {
        RunConfig config = requested.resolved().validate();
        Tracked tracked = new Tracked(config);
        runs.put(config.runId(), tracked);
        current = tracked;
        execute(tracked);
        return tracked.status();
    }

    public Optional<RunStatus> status(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(Tracked::status);
    }

    public List<RunStatus> all() {
        return runs.values().stream().map(Tracked::status).toList();
    }

    /** Asks a run to stop after its current step; false if it is unknown. */
    public boolean stop(String runId) {
        Tracked t = runs.get(runId);
        if (t == null) {
            return false;
        }
        t.session.requestStop();
        return true;
    }

    /** Waits for the active run, if any, to end (tests). */
    public void awaitIdle(long timeout, TimeUnit unit) throws Exception {
        Tracked t = current;
        if (t != null && t.future != null) {
            t.future.get(timeout, unit);
        }
    }

    /** The active or last run failed: readiness reports it. */
    public Optional<RunStatus> current() {
        return Optional.ofNullable(current).map(Tracked::status);
    }

    private void execute(Tracked t) {
        RunConfig c = t.session.config();
        long start = System.currentTimeMillis();
        events.publish(new RunEvent(c.runId(), RunEvent.Type.STARTED, 0, 0, System.currentTimeMillis(), null, null,
                "started", configMap(c), topology(c)));
        LOG.infof("run %s started: %s on %s, %s lr %s l2 %s wd %s, batch %d", c.runId(), c.model(), c.dataset(),
                c.optimizer().wireName(), c.learningRate(), c.l2(), c.weightDecay(), c.batchSize());
        try {
            RunResult r = t.session.run();
            t.result = r;
            RunEvent.Type type = r.status() == RunResult.Status.STOPPED ? RunEvent.Type.STOPPED : RunEvent.Type.FINISHED;
            events.publish(event(c, type, r.step(), r.epoch(), r.lastLoss(), r.lastAccuracy(), r.message(), null));
            LOG.infof("run %s %s at step %d after %.1f s, loss %.4f, accuracy %.3f", c.runId(),
                    r.status().name().toLowerCase(), r.step(), (System.currentTimeMillis() - start) / 1000.0,
                    r.lastLoss(), r.lastAccuracy());
        } catch (Throwable e) {
            RunProgress p = t.session.progress();
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            t.result = new RunResult(c.runId(), RunResult.Status.FAILED, p.step(), p.epoch(), p.lastLoss(),
                    p.epochAccuracy(), message);
            events.publish(event(c, RunEvent.Type.FAILED, p.step(), p.epoch(), p.lastLoss(), p.epochAccuracy(),
                    message, null));
            LOG.errorf(e, "run %s failed at step %d", c.runId(), p.step());
        }
    }

    /**
     * The graph the pruning plan needs, once per run with STARTED (docs/protocol.md, "Run topology"); a run
     * whose topology cannot be read still trains: its plan then says it has none.
     */
    private static RunTopology topology(RunConfig c) {
        try {
            return ModelTopology.of(c);
        } catch (RuntimeException e) {
            LOG.warnf("run %s: no topology for %s, the pruning plan will have none: %s", c.runId(), c.model(), e);
            return null;
        }
    }

    private static RunEvent event(RunConfig c, RunEvent.Type type, long step, int epoch, Double loss, Double acc,
                                  String message, Map<String, String> config) {
        return new RunEvent(c.runId(), type, step, epoch, System.currentTimeMillis(), finite(loss), finite(acc),
                message, config);
    }

    private static Double finite(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? null : d;
    }

    static Map<String, String> configMap(RunConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", c.model().name());
        m.put("dataset", c.dataset().name());
        m.put("optimizer", c.optimizer().wireName());
        m.put("learningRate", String.valueOf(c.learningRate()));
        m.put("l2", String.valueOf(c.l2()));
        m.put("weightDecay", String.valueOf(c.weightDecay()));
        m.put("schedule", c.schedule().name());
        m.put("batchSize", String.valueOf(c.batchSize()));
        m.put("epochs", String.valueOf(c.epochs()));
        if (c.maxSteps() != null) {
            m.put("maxSteps", String.valueOf(c.maxSteps()));
        }
        m.put("seed", String.valueOf(c.seed()));
        m.put("snapshotInterval", String.valueOf(c.snapshotInterval()));
        return m;
    }

    /** A run and the observer that connects it to the rest of the service. */
    private final class Tracked implements RunObserver {
        final TrainingSession session;
        final ProgressLog progressLog;
        volatile Future<?> future;
        final SnapshotPublisher.PublishStats before;
        volatile RunResult result;

        Tracked(RunConfig config) {
            this.session = new TrainingSession(config, this, settings.devices(), settings.engine());
            this.progressLog = new ProgressLog(config.progressSeconds());
            // Publisher counters are per process; a run reports its own share.
            this.before = snapshots.stats();
        }

        @Override
        public void stepDone(RunProgress progress, long stepNanos, long captureNanos) {
            steps.increment();
            stepTime.record(stepNanos, TimeUnit.NANOSECONDS);
            progressLog.maybeLog(progress);
        }

        @Override
        public void snapshots(List<LayerSnapshot> list) {
            snapshots.offer(list);
        }

        @Override
        public void epochEnd(RunProgress progress, double meanLoss, double accuracy) {
            RunConfig c = session.config();
            events.publish(event(c, RunEvent.Type.EPOCH_END, progress.step(), progress.epoch(), meanLoss, accuracy,
                    null, null));
            LOG.infof("%s epoch %d done at step %d: mean loss %.4f, accuracy %.3f", c.runId(), progress.epoch(),
                    progress.step(), meanLoss, accuracy);
        }

        RunStatus status() {
            RunProgress p = session.progress();
            RunResult r = result;
            RunStatus.State state = r == null ? RunStatus.State.RUNNING : switch (r.status()) {
                case FINISHED -> RunStatus.State.FINISHED;
                case STOPPED -> RunStatus.State.STOPPED;
                case FAILED -> RunStatus.State.FAILED;
            };
            var stats = snapshots.stats();
            return new RunStatus(session.config().runId(), state, p.step(), p.totalSteps(), p.epoch(),
                    finite(p.lastLoss()), finite(p.epochAccuracy()), p.stepsPerSecond(), finite(p.etaSeconds()),
                    stats.published() - before.published(), stats.dropped() - before.dropped(), r == null ? null : r.message(), session.config());
        }
    }
}
