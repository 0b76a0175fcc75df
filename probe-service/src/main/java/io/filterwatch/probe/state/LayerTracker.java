package io.filterwatch.probe.state;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.probe.stats.EmittedValues;
import io.filterwatch.probe.stats.LayerMetrics;
import io.filterwatch.probe.stats.LayerSummary;
import io.filterwatch.probe.stats.NumericHealth;
import io.filterwatch.probe.stats.StateRules;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.QuantisedSample;

/**
 * Everything the probe remembers about one (run, layer): the worker merge, the trailing window,
 * each filter's life-cycle and what was last emitted for it. It is a pure function of the
 * sequence of snapshots offered (no clock, no randomness), which is what makes a replay from
 * Kafka reproduce it exactly. Not thread-safe: one partition, one thread.
 */
public final class LayerTracker {
    /**
     * The outcome of one offered snapshot; {@code placedLate} when it came after its step was merged
     * and was folded into the window.
     */
    public record Output(List<FilterStat> filterStats, List<LayerStat> layerStats, String rejection, boolean duplicate,
                         boolean placedLate) {
        Output(List<FilterStat> filterStats, List<LayerStat> layerStats, String rejection, boolean duplicate) {
            this(filterStats, layerStats, rejection, duplicate, false);
        }
    }

    private final ProbeSettings settings;
    private final int c;
    private final WorkerMerge merge;
    private final ActivityWindow window;
    /** Epochs in captured samples (the window's cap) and in training samples (the paper's test). */
    private final EpochTracker epochs = new EpochTracker();
    private final EpochTracker trainingEpochs = new EpochTracker();
    private final LastFiring firing;

    private final FilterLives lives;
    private final EmittedValues emitted;

    /** The filters' rule state as it was before the last merged step: a late snapshot redoes that step. */
    private final FilterLives livesBefore;

    private long mergedSnapshots;
    private long lastStep = Long.MIN_VALUE;
    private LayerMetrics lastMetrics;
    /** The last merged snapshot that reached the window (not quarantined) and how many workers it merged. */
    private LayerSnapshot lastGood;
    private int lastGoodWorkers;

    public LayerTracker(int filterCount, ProbeSettings settings) {
        this.settings = settings;
        this.c = filterCount;
        this.merge = new WorkerMerge(settings.expectedWorkers(), settings.mergeDepth());
        this.window = new ActivityWindow(c, settings.maxSampleRows());
        this.lives = new FilterLives(c);
        this.firing = new LastFiring(c);
        this.emitted = new EmittedValues(c, settings);
        this.livesBefore = new FilterLives(c);
    }

    public int filterCount() {
        return c;
    }

    public long mergedSnapshots() {
        return mergedSnapshots;
    }

    public long lastStep() {
        return lastStep;
    }

    public Output accept(LayerSnapshot s) {
        if (s.filterCount() != c) {
            return new Output(List.of(), List.of(), "filter count " + s.filterCount() + " differs from the "
                    + c + " this layer had so far", false);
        }
        WorkerMerge.Result r = merge.offer(s);
        if (r.late() != null) {
            return placeLate(r.late());
        }
        if (r.ready().isEmpty()) {
            return new Output(List.of(), List.of(), null, r.duplicate());
        }
        List<FilterStat> filters = new ArrayList<>();
        List<LayerStat> layers = new ArrayList<>(r.ready().size());
        for (WorkerMerge.Merged m : r.ready()) {
            layers.add(process(m, filters));
        }
        return new Output(filters, layers, null, r.duplicate());
    }

    /**
     * A snapshot that came after its step was merged (a worker more than D steps behind, or a step
     * overtaken by more than D newer ones): its aggregates and sampled rows are placed in the window
     * at its step, and the last merged step is evaluated again with that window, from the rule
     * state it started from, so its streaks do not advance twice. What changed is emitted again at
     * the last step's time (InfluxDB overwrites those points). Its parameters and gradients are
     * older than the last step's and are not used. A snapshot older than the window's oldest step
     * cannot be placed: rejected, with the reason.
     */
    private Output placeLate(LayerSnapshot s) {
        var ctx = s.context();
        String which = "step " + ctx.step() + " of worker " + ctx.workerRank();
        if (lastGood == null) {
            return new Output(List.of(), List.of(), "late snapshot: " + which
                    + " arrived after its step was merged, and no usable step is in the window yet", false);
        }
        int bad = NumericHealth.inputs(s);
        QuantisedSample sample = s.sample().quantised(c);
        if (bad > 0) {
            // reported on the last step's summary, learned from never (as a quarantined step)
            return new Output(List.of(), List.of(LayerSummary.of(lastGood, lastGoodWorkers, lastMetrics, lives.state,
                    bad + sample.nonFiniteCount())), null, false);
        }
        long target = windowTarget();
        if (!window.place(ctx.step(), s.activity(), sample, target)) {
            return new Output(List.of(), List.of(), "late snapshot: " + which + " is older than the layer's window"
                    + " (oldest step " + window.oldestStep() + "), it cannot be placed", false);
        }
        epochs.observeLate(ctx.epoch(), s.activity().samplesSeen());
        trainingEpochs.observeLate(ctx.epoch(), LastFiring.trainingSamples(s, 1));
        firing.observeLate(s);
        if (ctx.step() == lastGood.context().step()) {
            lastGoodWorkers++;
        }
        lives.copyFrom(livesBefore);
        LayerMetrics metrics = LayerMetrics.compute(lastGood, window, target, firing.view(epochTrainingSamples()),
                settings.adamEpsilon());
        emitted.compare(metrics, true);
        List<FilterStat> out = new ArrayList<>();
        long step = lastGood.context().step();
        for (int f = 0; f < c; f++) {
            lives.advance(f, metrics, step, settings.dyingSnapshots());
            if (emitted.moved(f, metrics, lives.state[f])) {
                emitted.record(f, metrics, lives.state[f]);
                out.add(filterStat(lastGood, f, metrics, false));
            }
        }
        lastMetrics = metrics;
        return new Output(out, List.of(LayerSummary.of(lastGood, lastGoodWorkers, metrics, lives.state,
                sample.nonFiniteCount())), null, false, true);
    }

    private LayerStat process(WorkerMerge.Merged m, List<FilterStat> out) {
        LayerSnapshot s = m.snapshot();
        int badInputs = NumericHealth.inputs(s);
        int sampled = m.sampledNonFinite();
        if (badInputs > 0) {
            // quarantined: report the last good picture, flagged, and learn nothing from it
            return LayerSummary.of(s, m.workers(), lastMetrics, lastMetrics == null ? null : lives.state, badInputs + sampled);
        }
        epochs.observe(s.context().epoch(), s.activity().samplesSeen());
        trainingEpochs.observe(s.context().epoch(), LastFiring.trainingSamples(s, m.workers()));
        firing.observe(s, m.workers());
        long target = windowTarget();
        window.add(s.context().step(), s.activity(), m.samples(), target);
        LayerMetrics metrics = LayerMetrics.compute(s, window, target, firing.view(epochTrainingSamples()),
                settings.adamEpsilon());
        int every = settings.refreshEvery();
        // The first merged snapshot refreshes every filter (a new run needs a value for each); after it
        // the refreshes roll: filter f at merged snapshots i with (i + f) mod M == 0, so each round
        // refreshes C/M filters of the layer instead of all C every M-th round, which burst 26,560
        // points per ResNet-50 run into InfluxDB at once (docs/benchmarks.md, "Fleet load").
        boolean everyFilter = mergedSnapshots == 0 || every == 1;
        int phase = (int) (mergedSnapshots % every);
        emitted.compare(metrics, !everyFilter); // a full refresh emits every filter without asking
        long step = s.context().step();
        livesBefore.copyFrom(lives);
        // A filter whose state or values moved gets a full FilterStat; one that is only due for its refresh
        // gets one flagged refresh, of which the aggregator writes the fields a dashboard reads
        // (InfluxSchema.FILTER_REFRESH_FIELDS): 13 values instead of 22, and refreshes are most of the points.
        for (int f = 0; f < c; f++) {
            boolean changed = lives.advance(f, metrics, step, settings.dyingSnapshots());
            if (everyFilter || changed || emitted.moved(f, metrics, lives.state[f])) {
                emitted.record(f, metrics, lives.state[f]);
                out.add(filterStat(s, f, metrics, false));
            } else if ((phase + f) % every == 0) {
                emitted.recordRefresh(f);
                out.add(filterStat(s, f, metrics, true));
            }
        }
        mergedSnapshots++;
        lastStep = step;
        lastMetrics = metrics;
        lastGood = s;
        lastGoodWorkers = m.workers();
        return LayerSummary.of(s, m.workers(), metrics, lives.state, sampled);
    }

    /** Training samples per epoch for the paper's test: configured, else learned; 0 while unknown. */
    long epochTrainingSamples() {
        return settings.epochSamples() > 0 ? settings.epochSamples() : trainingEpochs.learnedEpochSamples();
    }

    /** Trailing-window target: min(window-samples, one epoch) when the epoch size is known. */
    long windowTarget() {
        long epoch = settings.epochSamples() > 0 ? settings.epochSamples() : epochs.learnedEpochSamples();
        return epoch > 0 ? Math.min(settings.windowSamples(), epoch) : settings.windowSamples();
    }

    /**
     * The window max, gamma, beta and ||w|| are float values widened to double (the snapshot's float
     * columns and maxima of them), so narrowing them back is exact; FilterStat carries them as floats.
     */
    private FilterStat filterStat(LayerSnapshot s, int f, LayerMetrics m, boolean refresh) {
        var ctx = s.context();
        return new FilterStat(ctx.runId(), s.layer().name(), s.layer().index(), f, ctx.step(), ctx.epoch(),
                ctx.wallClockMillis(), lives.state[f], lives.since[f],
                m.activationDecided ? m.deadByActivation[f] : null, m.deadByScale[f], m.silent[f],
                m.lastFiredStep[f] < 0 ? null : m.lastFiredStep[f], m.windowSamples,
                (float) m.windowMax[f], m.activityRate[f], orNull(m.selectivity[f]), orNull(m.spatialActivity[f]),
                m.meanResponse[f], (float) m.gamma[f], (float) m.beta[f], (float) m.weightNorm[f], orNull(m.gammaDominance[f]),
                orNull(m.betaDominance[f]), orNull(m.weightDominance[f]), orNull(m.adaptiveDecayRatio[f]),
                orNull(m.regulariserStepShare[f]), refresh);
    }

    private static Double orNull(double x) {
        return Double.isNaN(x) ? null : x;
    }
}
