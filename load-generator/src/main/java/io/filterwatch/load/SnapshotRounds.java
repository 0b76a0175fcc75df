package io.filterwatch.load;

import java.util.SplittableRandom;
import java.util.function.Consumer;

import io.filterwatch.protocol.LayerSnapshot;

/**
 * One synthetic ResNet-50 run's rounds as {@link LayerSnapshot}s, without Kafka or the codec: the same values
 * {@link FleetLoad} publishes for run {@code r} (same seeds), for simulations too long to send through the
 * pipeline (the points of a whole 90-epoch run, docs/benchmarks.md "Fleet load, part 2").
 */
public final class SnapshotRounds {
    private final FleetSettings settings;
    private final SyntheticRun run;
    private final int r;

    public SnapshotRounds(FleetSettings settings, int r) {
        this.settings = settings;
        this.r = r;
        SamplePool pool = new SamplePool(ResNet50.topology(), settings.sampleSize(), 3, settings.seed());
        this.run = new SyntheticRun(settings.runId(r), settings, ResNet50.topology(), pool, settings.seed() * 1_000_003L + r);
    }

    public String runId() {
        return run.runId;
    }

    public int layers() {
        return run.layerCount();
    }

    /** Round k (from 0, at step {@code settings.step(k)}): every layer's snapshot of every worker, layer by layer. */
    public void round(long k, long wallClockMillis, Consumer<LayerSnapshot> out) {
        long step = settings.step(k);
        SplittableRandom random = new SplittableRandom(settings.seed() ^ (r * 0x9E3779B97F4A7C15L) ^ step);
        for (int l = 0; l < run.layerCount(); l++) {
            SyntheticRun.Parameters p = run.parameters(l, step);
            for (int w = 0; w < settings.workers(); w++) {
                out.accept(run.snapshot(l, p, w, step, wallClockMillis, k, random));
            }
        }
    }
}
