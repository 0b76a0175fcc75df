package io.filterwatch.aggregator.alert;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.LayerStat;

/**
 * Evaluates the collapse rules on the stream of layer summaries, complete run aggregates and the
 * probe's numeric-health alerts. Deterministic: each layer is evaluated once per new step in the
 * order of its own partition (a replayed or duplicated summary with an old step is ignored), the
 * run once per complete step, so replaying the topics reproduces the same alerts with the same ids.
 * Not thread-safe: owned by the consumer thread.
 */
public final class AlertEngine {
    private final AlertSettings settings;
    private final Episodes episodes;
    private final Map<String, LayerTrack> layers = new HashMap<>();
    private final Map<String, Long> lastRunStep = new HashMap<>();

    public AlertEngine(AlertSettings settings) {
        this.settings = settings;
        this.episodes = new Episodes(settings.clearEvaluations());
    }

    public void clear() {
        episodes.clear();
        layers.clear();
        lastRunStep.clear();
    }

    public List<Alert> onLayerStat(LayerStat s) {
        LayerTrack t = layers.computeIfAbsent(s.runId() + '\u0000' + s.layer(), k -> new LayerTrack());
        if (s.step() <= t.lastStep) {
            return List.of();
        }
        t.lastStep = s.step();
        List<Alert> out = new ArrayList<>(1);
        if (settings.riseEnabled()) {
            t.window.put(s.step(), s.deadFraction());
            t.window.headMap(s.step() - settings.riseWithinSteps(), false).clear();
            double min = t.window.values().stream().mapToDouble(Double::doubleValue).min().orElse(s.deadFraction());
            double risePoints = (s.deadFraction() - min) * 100.0;
            emit(out, s.runId(), AlertRule.LAYER_DEAD_FRACTION_RISE, s.layer(),
                    risePoints >= settings.risePoints(), risePoints >= settings.riseResolvePoints(), s.step(), s.wallClockMillis(),
                    () -> String.format(Locale.ROOT, "Layer %s of run %s: dead filters rose by %.1f points within %d steps",
                            s.layer(), s.runId(), risePoints, settings.riseWithinSteps()),
                    () -> String.format(Locale.ROOT, "Dead fraction is %.1f%% (%d of %d filters; %d by the activation test, "
                                    + "%d by the scale test) at step %d, up from %.1f%% within the last %d steps.",
                            100 * s.deadFraction(), s.dead(), s.filterCount(), s.deadByActivation(), s.deadByScale(), s.step(),
                            100 * min, settings.riseWithinSteps()));
        }
        if (settings.layerDeadEnabled()) {
            boolean allDead = s.filterCount() > 0 && s.dead() >= s.filterCount();
            emit(out, s.runId(), AlertRule.LAYER_DEAD, s.layer(), allDead, allDead, s.step(), s.wallClockMillis(),
                    () -> "Layer " + s.layer() + " of run " + s.runId() + " is entirely dead",
                    () -> String.format(Locale.ROOT, "All %d filters of layer %s are dead at step %d (%d by the activation test, "
                                    + "%d by the scale test): nothing flows through it any more.",
                            s.filterCount(), s.layer(), s.step(), s.deadByActivation(), s.deadByScale()));
        }
        if (settings.nonFiniteEnabled()) {
            t.statNonFinite = s.nonFiniteValues() > 0;
            emitNonFinite(out, s.runId(), s.layer(), t, s.step(), s.wallClockMillis(),
                    s.nonFiniteValues() + " non-finite values in the snapshot of layer " + s.layer() + " at step " + s.step());
        }
        if (settings.atRiskEnabled()) {
            boolean adaptive = s.optimizer() != null
                    && settings.adaptiveOptimizers().contains(s.optimizer().toLowerCase(Locale.ROOT));
            double dyingFraction = s.filterCount() == 0 ? 0.0 : (double) s.dying() / s.filterCount();
            boolean dominated = s.medianGammaDominance() != null && s.medianGammaDominance() > settings.atRiskGammaDominance();
            emit(out, s.runId(), AlertRule.AT_RISK, s.layer(),
                    adaptive && dominated && dyingFraction >= settings.atRiskDyingFraction(),
                    adaptive && dominated && dyingFraction >= settings.atRiskResolveDyingFraction(),
                    s.step(), s.wallClockMillis(),
                    () -> String.format(Locale.ROOT, "Layer %s of run %s: %d filters dying while the regulariser dominates",
                            s.layer(), s.runId(), s.dying()),
                    () -> String.format(Locale.ROOT, "%d of %d filters are dying at step %d while the regulariser's pull on BN gamma "
                                    + "dominates the loss gradient (median gamma dominance %.2f > %.2f) under %s with L2 %.2g, "
                                    + "weight decay %.2g, lr %.2g, batch %d. Adaptive optimizers with coupled L2 shrink selective "
                                    + "features by about lr per step. Suggested: decoupled weight decay (e.g. AdamW) instead of L2, "
                                    + "a lower L2 coefficient, or a larger mini-batch.",
                            s.dying(), s.filterCount(), s.step(), s.medianGammaDominance(), settings.atRiskGammaDominance(),
                            s.optimizer(), s.l2(), s.weightDecay(), s.learningRate(), s.batchSize()));
        }
        return out;
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

    /** A probe alert: its numeric-health rules feed the non-finite rule; everything else is ignored here. */
    public List<Alert> onProbeAlert(Alert a) {
        if (!settings.nonFiniteEnabled() || AlertRule.isOwn(a.rule()) || !settings.probeNumericRules().contains(a.rule())) {
            return List.of();
        }
        String layer = a.layer() == null || a.layer().isEmpty() || "-".equals(a.layer()) ? null : a.layer();
        LayerTrack t = layers.computeIfAbsent(a.runId() + '\u0000' + layer, k -> new LayerTrack());
        t.probeNonFinite = a.status() == Alert.Status.FIRING;
        List<Alert> out = new ArrayList<>(1);
        emitNonFinite(out, a.runId(), layer, t, a.step(), a.wallClockMillis(),
                "probe reported " + a.rule() + (a.summary() == null ? "" : ": " + a.summary()));
        return out;
    }

    private void emitNonFinite(List<Alert> out, String runId, String layer, LayerTrack t, long step, long wallClock, String cause) {
        boolean bad = t.statNonFinite || t.probeNonFinite;
        emit(out, runId, AlertRule.NON_FINITE, layer, bad, bad, step, wallClock,
                () -> "NaN or Inf in run " + runId + (layer == null ? "" : " layer " + layer),
                () -> "Non-finite values appeared at step " + step + " (" + cause + "). The statistics of this layer are "
                        + "unreliable; training has probably diverged (learning rate too high?).");
    }

    private void emit(List<Alert> out, String runId, AlertRule rule, String layer, boolean fire, boolean holding, long step,
                      long wallClock, java.util.function.Supplier<String> summary, java.util.function.Supplier<String> description) {
        Optional<Episodes.Transition> t = episodes.evaluate(runId, rule, layer, fire, holding, step);
        if (t.isEmpty()) {
            return;
        }
        Episodes.Transition tr = t.get();
        boolean firing = tr.status() == Alert.Status.FIRING;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule.ruleName());
        labels.put("run", runId);
        labels.put("layer", layer == null ? "-" : layer);
        labels.put("severity", rule.severity().name().toLowerCase(Locale.ROOT));
        labels.put("source", "filterwatch-aggregator");
        String sum = firing ? summary.get() : "Resolved: " + summary.get();
        String desc = firing ? description.get()
                : "Condition cleared at step " + step + " (episode began at step " + tr.sinceStep() + "). " + description.get();
        out.add(new Alert(tr.id(), runId, rule.ruleName(), rule.severity(), tr.status(), layer, step, wallClock, sum, desc,
                Map.copyOf(labels)));
    }

    private static final class LayerTrack {
        long lastStep = Long.MIN_VALUE;
        final NavigableMap<Long, Double> window = new TreeMap<>();
        boolean statNonFinite;
        boolean probeNonFinite;
    }
}
