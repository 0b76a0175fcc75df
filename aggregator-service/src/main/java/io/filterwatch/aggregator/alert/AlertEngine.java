package io.filterwatch.aggregator.alert;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * The one rule engine of FilterWatch (Grafana only reads the episodes it writes). Evaluates the
 * collapse rules on the stream of filter and layer summaries, complete run aggregates and the probe's
 * numeric-health alerts, and the run-silent / run-lost rules on a clock tick. Deterministic: each
 * layer is evaluated once per new step in the order of its own partition (an old or duplicated step
 * is ignored), the run once per complete step; silence is timed from the records' own wall clocks,
 * so a replay reproduces the same alerts with the same ids and timestamps.
 * Not thread-safe: owned by the consumer thread. Rules and defaults: docs/metrics.md, "Alert rules".
 */
public final class AlertEngine {
    /** Intervals between a run's snapshot steps kept to measure its pace (their median). */
    static final int PACE_SAMPLES = 9;
    /** The layer's warnings that share one episode slot (see {@link #emit}). */
    private static final Set<AlertRule> LAYER_WARNINGS = AlertRule.layerWarnings();

    private final AlertSettings settings;
    private final Episodes episodes;
    private final Map<String, LayerTrack> layers = new LinkedHashMap<>();
    private final Map<String, RunTrack> runs = new TreeMap<>();
    private final Map<String, Long> lastRunStep = new LinkedHashMap<>();

    public AlertEngine(AlertSettings settings) {
        this.settings = settings;
        this.episodes = new Episodes(settings.persistence(), settings.clearEvaluations(), settings.minEpisodeEvaluations());
    }

    public AlertSettings settings() {
        return settings;
    }

    public void clear() {
        episodes.clear();
        layers.clear();
        runs.clear();
        lastRunStep.clear();
    }

    /** A filter's summary: updates the rules' view of its layer (it arrives before its layer's summary of the same step). */
    public void onFilterStat(FilterStat f) {
        layer(f.runId(), f.layer()).view.update(f);
    }

    public List<Alert> onLayerStat(LayerStat s) {
        List<Alert> out = new ArrayList<>(1);
        onRunData(s.runId(), s.step(), s.wallClockMillis(), true, out);
        LayerTrack t = layer(s.runId(), s.layer());
        if (s.step() <= t.lastStep) {
            return out;
        }
        t.lastStep = s.step();
        int c = s.filterCount();
        boolean covered = t.view.covers(c);
        int dead = covered ? t.view.deadCount(c) : s.dead();
        double share = c == 0 ? 0.0 : (double) dead / c;
        // The layer's warnings share one episode: the first to fire holds it, and it stays open while
        // any of the three still holds (dying filters that become dead leave at-risk for the level).
        List<Verdict> warnings = new ArrayList<>(3);
        if (settings.levelEnabled() && c > 0) {
            warnings.add(level(s, dead, share));
        }
        if (settings.trendEnabled() && c > 0) {
            Verdict v = trend(t, s, dead);
            if (v != null) {
                warnings.add(v);
            }
        }
        if (settings.atRiskEnabled() && c > 0) {
            warnings.add(atRisk(t, s, covered, dead));
        }
        boolean layerHolding = warnings.stream().anyMatch(v -> v.fire() || v.holding());
        for (Verdict v : warnings) {
            boolean fire = v.fire() && !otherWarningOpen(s.runId(), v.rule(), s.layer());
            emit(out, s.runId(), v.rule(), s.layer(), fire, v.holding() || layerHolding, v.persistence(), s.step(), s.wallClockMillis(),
                    v.summary(), v.description());
        }
        if (settings.layerDeadEnabled() && c > 0) {
            boolean allDead = dead >= c;
            emit(out, s.runId(), AlertRule.LAYER_DEAD, s.layer(), allDead, allDead, s.step(), s.wallClockMillis(),
                    () -> "Layer " + s.layer() + " of run " + s.runId() + " is entirely dead",
                    () -> String.format(Locale.ROOT, "All %d filters of layer %s are dead at step %d (%d by the activation test, "
                                    + "%d by the scale test): nothing flows through it any more.",
                            c, s.layer(), s.step(), s.deadByActivation(), s.deadByScale()));
        }
        if (settings.nonFiniteEnabled()) {
            t.statNonFinite = s.nonFiniteValues() > 0;
            emitNonFinite(out, s.runId(), s.layer(), t, s.step(), s.wallClockMillis(),
                    s.nonFiniteValues() + " non-finite values in the snapshot of layer " + s.layer() + " at step " + s.step());
        }
        return out;
    }

    /** One layer warning's condition at this summary, not yet emitted. */
    private record Verdict(AlertRule rule, boolean fire, boolean holding, int persistence, Supplier<String> summary,
                           Supplier<String> description) {
    }

    private Verdict level(LayerStat s, int dead, double share) {
        int c = s.filterCount();
        return new Verdict(AlertRule.LAYER_DEAD_FRACTION,
                share >= settings.levelFraction() && dead >= settings.levelMinFilters(),
                share >= settings.levelResolveFraction(), settings.levelPersistence(),
                () -> String.format(Locale.ROOT, "Layer %s of run %s: %d of %d filters dead (%.1f%%)",
                        s.layer(), s.runId(), dead, c, 100 * share),
                () -> String.format(Locale.ROOT, "%d of %d filters of layer %s are dead at step %d (level %.1f%% and at least %d "
                                + "filters; %d by the activation test, %d by the scale test).",
                        dead, c, s.layer(), s.step(), 100 * settings.levelFraction(), settings.levelMinFilters(),
                        s.deadByActivation(), s.deadByScale()));
    }

    /** Null while the trend cannot be measured yet (activation test undecided, epoch length unknown). */
    private Verdict trend(LayerTrack t, LayerStat s, int dead) {
        t.epochFirstStep.putIfAbsent(s.epoch(), s.step());
        long epochSteps = settings.trendEpochSteps() > 0 ? settings.trendEpochSteps() : t.learnedEpochSteps();
        // Before the activation test can decide, the headline holds the scale test alone; the day it
        // decides, every never-fired filter joins at once. That jump is the test starting, not a trend.
        if (!s.activationTestDecided()) {
            t.history.clear();
            return null;
        }
        t.history.addLast(new long[] {s.step(), dead});
        if (epochSteps <= 0) {
            return null;
        }
        int epochs = Math.max(1, settings.trendEpochs());
        long window = epochs * epochSteps;
        long from = s.step() - window;
        while (t.history.size() > 1 && t.secondOldestStep() <= from) {
            t.history.removeFirst();
        }
        long[] base = t.history.peekFirst();
        boolean spans = base != null && base[0] <= from;
        int c = s.filterCount();
        long rise = spans ? dead - base[1] : 0;
        double perEpoch = 100.0 * rise / c / epochs;
        return new Verdict(AlertRule.LAYER_DEAD_TREND,
                spans && perEpoch >= settings.trendPointsPerEpoch() && rise >= settings.trendMinFilters(),
                spans && perEpoch >= settings.trendResolvePointsPerEpoch(), settings.persistence(),
                () -> String.format(Locale.ROOT, "Layer %s of run %s: %d more filters dead over the last %d epochs (%.1f points per epoch)",
                        s.layer(), s.runId(), rise, epochs, perEpoch),
                () -> String.format(Locale.ROOT, "Layer %s lost %d of its %d filters over the last %d epochs (%d steps, up to step %d): "
                                + "%.1f percentage points per epoch (threshold %.1f, and %d filters). A slow collapse: at this pace "
                                + "the layer loses another %.0f%% every 10 epochs.",
                        s.layer(), rise, c, epochs, window, s.step(), perEpoch, settings.trendPointsPerEpoch(), settings.trendMinFilters(),
                        Math.min(100.0, 10 * perEpoch)));
    }

    /**
     * DYING already means, per filter, that the regulariser out-pulls the loss on its BN gamma while
     * the filter shrinks; no layer-wide dominance gate on top. The paper's victims are the selective
     * minority: in the corpus (RMSProp, L2 5e-3) 13-16 of 64 filters of a layer were DYING for 800
     * steps while the median dominance over the live filters stayed at 0.4-0.7, and the layer then
     * lost 7 filters within one snapshot; a median gate kept this warning quiet until it was too late.
     */
    private Verdict atRisk(LayerTrack t, LayerStat s, boolean covered, int dead) {
        boolean adaptive = s.optimizer() != null && settings.adaptiveOptimizers().contains(s.optimizer().toLowerCase(Locale.ROOT));
        int c = s.filterCount();
        int live = Math.max(0, c - dead);
        // dying (decaying under the regulariser) and silent (no response over the trailing window): on the way out
        int leaving = Math.min(live, s.dying() + s.silent());
        double share = live == 0 ? 0.0 : (double) leaving / live;
        return new Verdict(AlertRule.AT_RISK,
                adaptive && share >= settings.atRiskFraction() && leaving >= settings.atRiskMinFilters(),
                adaptive && share >= settings.atRiskResolveFraction(), settings.atRiskPersistence(),
                () -> String.format(Locale.ROOT, "Layer %s of run %s: %d filters dying while the regulariser dominates",
                        s.layer(), s.runId(), leaving),
                () -> {
                    // context for the reader: the median over the live filters (dead ones sit at the dominance cap)
                    Double median = covered ? t.view.medianLiveGammaDominance(c) : s.medianGammaDominance();
                    return String.format(Locale.ROOT, "%d of the %d live filters are dying or silent at step %d (%d dying: the "
                                    + "regulariser's pull on their BN gamma out-weighs the loss gradient while they shrink; %d silent). "
                                    + "Median gamma dominance of the live filters: %s. Under %s with L2 %.2g, weight decay %.2g, lr %.2g, "
                                    + "batch %d. Adaptive optimizers with coupled L2 shrink selective features by about lr per step. "
                                    + "Suggested: decoupled weight decay (e.g. AdamW) instead of L2, a lower L2 coefficient, or a larger "
                                    + "mini-batch.",
                            leaving, live, s.step(), s.dying(), s.silent(),
                            median == null ? "n/a" : String.format(Locale.ROOT, "%.2f", median),
                            s.optimizer(), s.l2(), s.weightDecay(), s.learningRate(), s.batchSize());
                });
    }

    /** Run-level rule; only complete aggregates (every layer reported the step) are evaluated, each step once. */
    public List<Alert> onRunStats(RunStats s) {
        if (!settings.runDeadEnabled() || !s.complete() || s.step() <= lastRunStep.getOrDefault(s.runId(), Long.MIN_VALUE)) {
            return List.of();
        }
        lastRunStep.put(s.runId(), s.step());
        List<Alert> out = new ArrayList<>(1);
        double f = s.deadFraction();
        emit(out, s.runId(), AlertRule.RUN_DEAD_FRACTION, null,
                f >= settings.runDeadFraction(), f >= settings.runDeadResolveFraction(), s.step(), s.wallClockMillis(),
                () -> String.format(Locale.ROOT, "Run %s: %.1f%% of its filters are dead", s.runId(), 100 * f),
                () -> String.format(Locale.ROOT, "%d of %d conv filters over %d layers are dead at step %d (threshold %.1f%%; "
                                + "%d by the activation test, %d by the scale test).",
                        s.dead(), s.filters(), s.layers(), s.step(), 100 * settings.runDeadFraction(),
                        s.deadByActivation(), s.deadByScale()));
        return out;
    }

    /** A run event: STARTED makes the run one to watch for silence; FINISHED, FAILED and STOPPED end it (and its silence). */
    public List<Alert> onRunEvent(RunEvent e) {
        RunTrack r = run(e.runId());
        List<Alert> out = new ArrayList<>(1);
        switch (e.type()) {
            case STARTED, EPOCH_END -> {
                r.ended = false;
                onRunData(e.runId(), e.step(), e.wallClockMillis(), false, out);
            }
            case FINISHED, FAILED, STOPPED -> {
                r.ended = true;
                for (AlertRule rule : List.of(AlertRule.RUN_SILENT, AlertRule.RUN_LOST)) {
                    episodes.close(e.runId(), rule, null).ifPresent(tr -> out.add(alert(e.runId(), rule, null, tr, e.step(),
                            e.wallClockMillis(), silenceSummary(rule, e.runId()), "The run ended (" + e.type() + " at step " + e.step() + ").")));
                }
            }
        }
        return out;
    }

    /**
     * The clock: a run that is neither FINISHED, FAILED nor STOPPED and sent nothing for
     * {@code intervals} of its own snapshot intervals (at least {@code min-silence}) raises
     * run-silent; after {@code lost-intervals} (at least {@code lost-min-silence}) it is reported
     * lost. The alert's time is when the silence became long enough, not {@code nowMillis}, and its id
     * hashes the run's last step: a tick a little earlier or later, or after a restart, gives the same.
     */
    public List<Alert> onTick(long nowMillis) {
        if (!settings.silentEnabled()) {
            return List.of();
        }
        List<Alert> out = new ArrayList<>(0);
        for (Map.Entry<String, RunTrack> en : runs.entrySet()) {
            String runId = en.getKey();
            RunTrack r = en.getValue();
            long pace = r.paceMillis();
            if (r.ended || pace <= 0 || r.lastWall == Long.MIN_VALUE) {
                continue;
            }
            long silence = nowMillis - r.lastWall;
            if (silence > settings.silentForgetAfter().toMillis()) {
                continue;
            }
            long silentAfter = Math.max(settings.silentMinSilence().toMillis(), Math.round(settings.silentIntervals() * pace));
            long lostAfter = Math.max(settings.lostMinSilence().toMillis(), Math.round(settings.lostIntervals() * pace));
            if (silence >= lostAfter && !episodes.isOpen(runId, AlertRule.RUN_LOST, null)) {
                long at = r.lastWall + lostAfter;
                episodes.close(runId, AlertRule.RUN_SILENT, null).ifPresent(tr -> out.add(alert(runId, AlertRule.RUN_SILENT, null, tr,
                        r.lastStep, at, silenceSummary(AlertRule.RUN_SILENT, runId), "Reported as lost instead (run-lost).")));
                episodes.open(runId, AlertRule.RUN_LOST, null, r.lastStep).ifPresent(tr -> out.add(alert(runId, AlertRule.RUN_LOST, null,
                        tr, r.lastStep, at, silenceSummary(AlertRule.RUN_LOST, runId),
                        String.format(Locale.ROOT, "No data from run %s since step %d for %s (%.0f of its snapshot intervals of %s), and no "
                                        + "FINISHED, FAILED or STOPPED event: the run ended without saying so (pod evicted, node lost, "
                                        + "trainer killed). Check the job; resolves if data comes back.",
                                runId, r.lastStep, human(lostAfter), (double) lostAfter / pace, human(pace)))));
            } else if (silence >= silentAfter && !episodes.isOpen(runId, AlertRule.RUN_LOST, null)) {
                long at = r.lastWall + silentAfter;
                episodes.open(runId, AlertRule.RUN_SILENT, null, r.lastStep).ifPresent(tr -> out.add(alert(runId, AlertRule.RUN_SILENT,
                        null, tr, r.lastStep, at, silenceSummary(AlertRule.RUN_SILENT, runId),
                        String.format(Locale.ROOT, "Run %s sent nothing since step %d for %s, %.0f of its own snapshot intervals (%s each), "
                                        + "and has not ended: the trainer may hang, its pod may be gone, or its publisher stuck. "
                                        + "Resolves when data resumes or the run ends.",
                                runId, r.lastStep, human(silentAfter), (double) silentAfter / pace, human(pace)))));
            }
        }
        return out;
    }

    /** A probe alert: its numeric-health rules feed the non-finite rule; everything else is ignored here. */
    public List<Alert> onProbeAlert(Alert a) {
        if (!settings.nonFiniteEnabled() || AlertRule.isOwn(a.rule()) || !settings.probeNumericRules().contains(a.rule())) {
            return List.of();
        }
        String layer = a.layer() == null || a.layer().isEmpty() || "-".equals(a.layer()) ? null : a.layer();
        LayerTrack t = layer(a.runId(), layer);
        t.probeNonFinite = a.status() == Alert.Status.FIRING;
        List<Alert> out = new ArrayList<>(1);
        emitNonFinite(out, a.runId(), layer, t, a.step(), a.wallClockMillis(),
                "probe reported " + a.rule() + (a.summary() == null ? "" : ": " + a.summary()));
        return out;
    }

    /** New data from a run: the end of its silence, and (from snapshot summaries only) its pace. */
    private void onRunData(String runId, long step, long wallClock, boolean snapshot, List<Alert> out) {
        RunTrack r = run(runId);
        if (snapshot && step > r.lastStep) {
            if (r.lastStep != Long.MIN_VALUE && r.lastStepWall != Long.MIN_VALUE && wallClock > r.lastStepWall) {
                r.intervals.addLast(wallClock - r.lastStepWall);
                if (r.intervals.size() > PACE_SAMPLES) {
                    r.intervals.removeFirst();
                }
            }
            r.lastStep = step;
            r.lastStepWall = wallClock;
        }
        r.lastWall = Math.max(r.lastWall, wallClock);
        for (AlertRule rule : List.of(AlertRule.RUN_SILENT, AlertRule.RUN_LOST)) {
            episodes.close(runId, rule, null).ifPresent(tr -> out.add(alert(runId, rule, null, tr, step, wallClock,
                    silenceSummary(rule, runId), "Data resumed at step " + step + ".")));
        }
    }

    private boolean otherWarningOpen(String runId, AlertRule rule, String layer) {
        for (AlertRule other : LAYER_WARNINGS) {
            if (other != rule && episodes.isOpen(runId, other, layer)) {
                return true;
            }
        }
        return false;
    }

    private static String silenceSummary(AlertRule rule, String runId) {
        return rule == AlertRule.RUN_LOST ? "Run " + runId + " is lost: no data and no end event" : "Run " + runId + " went silent";
    }

    private void emitNonFinite(List<Alert> out, String runId, String layer, LayerTrack t, long step, long wallClock, String cause) {
        boolean bad = t.statNonFinite || t.probeNonFinite;
        // NaN is decisive at once: no persistence
        Optional<Episodes.Transition> tr = episodes.evaluate(runId, AlertRule.NON_FINITE, layer, bad, bad, step, 1);
        tr.ifPresent(x -> out.add(alert(runId, AlertRule.NON_FINITE, layer, x, step, wallClock,
                "NaN or Inf in run " + runId + (layer == null ? "" : " layer " + layer),
                "Non-finite values appeared at step " + step + " (" + cause + "). The statistics of this layer are "
                        + "unreliable; training has probably diverged (learning rate too high?).")));
    }

    private void emit(List<Alert> out, String runId, AlertRule rule, String layer, boolean fire, boolean holding, long step,
                      long wallClock, Supplier<String> summary, Supplier<String> description) {
        emit(out, runId, rule, layer, fire, holding, settings.persistence(), step, wallClock, summary, description);
    }

    private void emit(List<Alert> out, String runId, AlertRule rule, String layer, boolean fire, boolean holding, int persistence,
                      long step, long wallClock, Supplier<String> summary, Supplier<String> description) {
        episodes.evaluate(runId, rule, layer, fire, holding, step, Math.max(1, persistence))
                .ifPresent(tr -> out.add(alert(runId, rule, layer, tr, step, wallClock, summary.get(), description.get())));
    }

    private static Alert alert(String runId, AlertRule rule, String layer, Episodes.Transition tr, long step, long wallClock,
                               String summary, String description) {
        boolean firing = tr.status() == Alert.Status.FIRING;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule.ruleName());
        labels.put("run", runId);
        labels.put("layer", layer == null ? "-" : layer);
        labels.put("severity", rule.severity().name().toLowerCase(Locale.ROOT));
        labels.put("source", "filterwatch-aggregator");
        String sum = firing ? summary : "Resolved: " + summary;
        String desc = firing ? description
                : "Condition cleared at step " + step + " (episode began at step " + tr.sinceStep() + "). " + description;
        return new Alert(tr.id(), runId, rule.ruleName(), rule.severity(), tr.status(), layer, step, wallClock, sum, desc,
                Map.copyOf(labels));
    }

    private LayerTrack layer(String runId, String layer) {
        return layers.computeIfAbsent(runId + '\u0000' + layer, k -> new LayerTrack(settings.scaleReleaseGamma()));
    }

    private RunTrack run(String runId) {
        return runs.computeIfAbsent(runId, k -> new RunTrack());
    }

    private static String human(long millis) {
        long s = Math.round(millis / 1000.0);
        return s >= 3600 ? String.format(Locale.ROOT, "%.1f h", s / 3600.0) : s >= 120 ? (s / 60) + " min" : s + " s";
    }

    private static final class LayerTrack {
        long lastStep = Long.MIN_VALUE;
        final LayerView view;
        /** (step, dead) since the activation test decided, back to just before one epoch ago. */
        final Deque<long[]> history = new ArrayDeque<>();
        /** First step seen of each epoch: the epoch's length in steps, learned. */
        final TreeMap<Integer, Long> epochFirstStep = new TreeMap<>();
        boolean statNonFinite;
        boolean probeNonFinite;

        LayerTrack(double releaseGamma) {
            this.view = new LayerView(releaseGamma);
        }

        long secondOldestStep() {
            var it = history.iterator();
            it.next();
            return it.next()[0];
        }

        /** Steps per epoch: the first step of the latest epoch over its number (steps count from 0); 0 until epoch 1. */
        long learnedEpochSteps() {
            Map.Entry<Integer, Long> last = epochFirstStep.lastEntry();
            return last == null || last.getKey() < 1 ? 0 : last.getValue() / last.getKey();
        }
    }

    private static final class RunTrack {
        boolean ended;
        long lastStep = Long.MIN_VALUE;
        long lastStepWall = Long.MIN_VALUE;
        long lastWall = Long.MIN_VALUE;
        final Deque<Long> intervals = new ArrayDeque<>();

        /** The run's pace: the median interval between its last snapshot steps (0 until one is known). */
        long paceMillis() {
            if (intervals.isEmpty()) {
                return 0;
            }
            long[] v = intervals.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(v);
            return v[v.length / 2];
        }
    }
}
