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

/**
 * Everything the probe remembers about one (run, layer): the worker merge, the trailing window,
 * each filter's life-cycle and what was last emitted for it. It is a pure function of the
 * sequence of snapshots offered (no clock, no randomness), which is what makes a replay from
 * Kafka reproduce it exactly. Not thread-safe: one partition, one thread.
 */
public final class LayerState {
    /** The outcome of one offered snapshot. */
    public record Output(List<FilterStat> filterStats, List<LayerStat> layerStats, String rejection, boolean duplicate) {
    }

    private final ProbeSettings settings;
    private final int c;
    private final WorkerMerge merge;
    private final ActivityWindow window;
    private final EpochTracker epochs = new EpochTracker();

    private final FilterState[] state;
    private final long[] since;
    private final int[] decayStreak;
    private final int[] calmStreak;
    private final int[] inState;
    private final double[] previousAbsGamma;
    private final double[] previousActivity;
    private final EmittedValues emitted;

    private long mergedSnapshots;
    private long lastStep = Long.MIN_VALUE;
    private LayerMetrics lastMetrics;

    public LayerState(int filterCount, ProbeSettings settings) {
        this.settings = settings;
        this.c = filterCount;
        this.merge = new WorkerMerge(settings.expectedWorkers());
        this.window = new ActivityWindow(c, settings.maxSampleRows());
        this.state = new FilterState[c];
        this.since = new long[c];
        this.decayStreak = new int[c];
        this.calmStreak = new int[c];
        this.inState = new int[c];
        this.previousAbsGamma = new double[c];
        this.previousActivity = new double[c];
        this.emitted = new EmittedValues(c, settings);
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
        if (r.ready().isEmpty()) {
            return new Output(List.of(), List.of(), r.rejection(), r.duplicate());
        }
        List<FilterStat> filters = new ArrayList<>();
        List<LayerStat> layers = new ArrayList<>(r.ready().size());
        for (WorkerMerge.Merged m : r.ready()) {
            layers.add(process(m, filters));
        }
        return new Output(filters, layers, r.rejection(), r.duplicate());
    }

    private LayerStat process(WorkerMerge.Merged m, List<FilterStat> out) {
        LayerSnapshot s = m.snapshot();
        int badInputs = NumericHealth.inputs(s);
        int sampled = m.sampledNonFinite();
        if (badInputs > 0) {
            // quarantined: report the last good picture, flagged, and learn nothing from it
            return LayerSummary.of(s, m.workers(), lastMetrics, lastMetrics == null ? null : state, badInputs + sampled);
        }
        epochs.observe(s.context().epoch(), s.activity().samplesSeen());
        long target = windowTarget();
        window.add(s.context().step(), s.activity(), m.samples(), target);
        LayerMetrics metrics = LayerMetrics.compute(s, window, target, settings.adamEpsilon());
        boolean refresh = mergedSnapshots % settings.refreshEvery() == 0;
        emitted.compare(metrics, !refresh); // a refresh emits every filter without asking
        long step = s.context().step();
        for (int f = 0; f < c; f++) {
            boolean changed = advance(f, metrics, step);
            if (refresh || changed || emitted.moved(f, metrics, state[f])) {
                emitted.record(f, metrics, state[f]);
                out.add(filterStat(s, f, metrics, refresh));
            }
        }
        mergedSnapshots++;
        lastStep = step;
        lastMetrics = metrics;
        return LayerSummary.of(s, m.workers(), metrics, state, sampled);
    }

    /** Trailing-window target: min(window-samples, one epoch) when the epoch size is known. */
    long windowTarget() {
        long epoch = settings.epochSamples() > 0 ? settings.epochSamples() : epochs.learnedEpochSamples();
        return epoch > 0 ? Math.min(settings.windowSamples(), epoch) : settings.windowSamples();
    }

    /** Applies the state rules to filter f; true when its state changed. */
    private boolean advance(int f, LayerMetrics m, long step) {
        FilterState previous = state[f];
        double absGamma = Math.abs(m.gamma[f]);
        double activity = m.latestActivity[f];
        boolean decaying = previous != null
                && StateRules.decaying(m.gammaDominance[f], absGamma, previousAbsGamma[f], activity, previousActivity[f]);
        decayStreak[f] = decaying ? decayStreak[f] + 1 : 0;
        calmStreak[f] = decaying ? 0 : calmStreak[f] + 1;
        FilterState next = StateRules.next(previous, m.dead(f), decayStreak[f], calmStreak[f], inState[f],
                settings.dyingSnapshots());
        previousAbsGamma[f] = absGamma;
        previousActivity[f] = activity;
        if (next != previous) {
            state[f] = next;
            since[f] = step;
            inState[f] = 1;
            return true;
        }
        inState[f]++;
        return false;
    }

    /**
     * The window max, gamma, beta and ||w|| are float values widened to double (the snapshot's float
     * columns and maxima of them), so narrowing them back is exact; FilterStat carries them as floats.
     */
    private FilterStat filterStat(LayerSnapshot s, int f, LayerMetrics m, boolean refresh) {
        var ctx = s.context();
        return new FilterStat(ctx.runId(), s.layer().name(), s.layer().index(), f, ctx.step(), ctx.epoch(),
                ctx.wallClockMillis(), state[f], since[f], m.deadByActivation[f], m.deadByScale[f], m.windowSamples,
                (float) m.windowMax[f], m.activityRate[f], orNull(m.selectivity[f]), orNull(m.spatialActivity[f]),
                m.meanResponse[f], (float) m.gamma[f], (float) m.beta[f], (float) m.weightNorm[f], orNull(m.gammaDominance[f]),
                orNull(m.betaDominance[f]), orNull(m.weightDominance[f]), orNull(m.adaptiveDecayRatio[f]), refresh);
    }

    private static Double orNull(double x) {
        return Double.isNaN(x) ? null : x;
    }
}
