package io.filterwatch.protocol;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The alert rules of FilterWatch: the {@code rule} of an {@link Alert}, the {@code rule} tag of the
 * {@code alerts} measurement, the {@code alertname} label of the webhooks and of Grafana's rules,
 * which only read the aggregator's episodes (docs/metrics.md, "Alert rules"). This enum is the one
 * home of these names: the aggregator evaluates them, the console and the tests read them.
 * The severity is part of the contract: receivers route on it.
 */
public enum AlertRule {
    /** A layer's headline dead share reached a level (with a minimum number of filters), held for K snapshots. */
    LAYER_DEAD_FRACTION("layer-dead-fraction", Alert.Severity.WARNING, true),
    /** A layer's dead share keeps rising: at least so many points per epoch over the last epoch. */
    LAYER_DEAD_TREND("layer-dead-trend", Alert.Severity.WARNING, true),
    /** Every filter of a layer is dead. */
    LAYER_DEAD("layer-dead", Alert.Severity.CRITICAL, true),
    /** The run's headline dead share reached a level. */
    RUN_DEAD_FRACTION("run-dead-fraction", Alert.Severity.CRITICAL, true),
    /** Filters are dying while the regulariser dominates, under an adaptive optimizer. */
    AT_RISK("at-risk", Alert.Severity.WARNING, true),
    /** NaN or Inf in a layer's statistics. */
    NON_FINITE("non-finite", Alert.Severity.CRITICAL, false),
    /** A RUNNING run sent no snapshot for several of its own snapshot intervals. */
    RUN_SILENT("run-silent", Alert.Severity.WARNING, false),
    /** A run stopped sending data long ago without a FINISHED, FAILED or STOPPED event. */
    RUN_LOST("run-lost", Alert.Severity.CRITICAL, false);

    private final String ruleName;
    private final Alert.Severity severity;
    private final boolean collapse;

    AlertRule(String ruleName, Alert.Severity severity, boolean collapse) {
        this.ruleName = ruleName;
        this.severity = severity;
        this.collapse = collapse;
    }

    /** The name on the wire and in InfluxDB, e.g. {@code layer-dead-fraction}. */
    public String ruleName() {
        return ruleName;
    }

    public Alert.Severity severity() {
        return severity;
    }

    /** True for the rules that report filters dying (what the backtest's lead time is measured on). */
    public boolean collapse() {
        return collapse;
    }

    public static Optional<AlertRule> byName(String name) {
        return Arrays.stream(values()).filter(r -> r.ruleName.equals(name)).findFirst();
    }

    /** True for the aggregator's own rules: it must not feed them back into its rules when it reads the topic. */
    public static boolean isOwn(String name) {
        return byName(name).isPresent();
    }

    /**
     * The warnings that say "this layer is losing filters": they share one episode per layer (the
     * first to fire holds it; docs/operations.md, "The defaults, and why").
     */
    public static Set<AlertRule> layerWarnings() {
        return EnumSet.of(AT_RISK, LAYER_DEAD_FRACTION, LAYER_DEAD_TREND);
    }

    public static Set<AlertRule> collapseRules() {
        EnumSet<AlertRule> s = EnumSet.noneOf(AlertRule.class);
        for (AlertRule r : values()) {
            if (r.collapse) {
                s.add(r);
            }
        }
        return s;
    }
}
