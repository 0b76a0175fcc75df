package io.filterwatch.trainer;

import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.trainer.config.EngineKind;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import java.util.ArrayList;
import java.util.List;

/** Small synthetic runs for tests: seconds, not minutes. */
public final class TestRuns {

    private TestRuns() {
    }

    public static RunConfig tiny(String runId, OptimizerKind optimizer, long steps, int interval) {
        return new RunConfig(runId, ModelKind.SMALL_BASIC_NET, List.of(4, 4, 8, 8, 8), DatasetKind.SYNTHETIC, null,
                28, 512, 10, optimizer, 5e-3, null, optimizer == OptimizerKind.ADAMW ? 0.0 : 1e-3,
                optimizer == OptimizerKind.ADAMW ? 1e-2 : 0.0, null, null, null, 16, 1, steps, 3L, true, interval,
                1, 8, null, null, 0);
    }

    public record Outcome(RunResult result, List<LayerSnapshot> snapshots) {
    }

    public static Outcome run(RunConfig config) throws Exception {
        return run(config, EngineKind.DEFAULT);
    }

    /** The run on the CPU of {@code engine}. */
    public static Outcome run(RunConfig config, EngineKind engine) throws Exception {
        List<LayerSnapshot> out = new ArrayList<>();
        RunResult r = session(config, out, engine).run();
        return new Outcome(r, out);
    }

    /** A session on the CPU of {@code engine} whose snapshots go to {@code out}. */
    public static TrainingSession session(RunConfig config, List<LayerSnapshot> out, EngineKind engine) {
        return new TrainingSession(config, new RunObserver() {
            @Override
            public void snapshots(List<LayerSnapshot> snapshots) {
                out.addAll(snapshots);
            }
        }, "cpu", engine);
    }
}
