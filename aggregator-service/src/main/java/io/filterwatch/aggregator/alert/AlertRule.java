package io.filterwatch.aggregator.alert;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.filterwatch.protocol.Alert;

/** The aggregator's own rules; their names are the {@code rule} tag/label and how it recognises its own alerts on the topic. */
public enum AlertRule {
    LAYER_DEAD_FRACTION_RISE("layer-dead-fraction-rise", Alert.Severity.WARNING),
    RUN_DEAD_FRACTION("run-dead-fraction", Alert.Severity.CRITICAL),
    LAYER_DEAD("layer-dead", Alert.Severity.CRITICAL),
    NON_FINITE("non-finite", Alert.Severity.CRITICAL),
    AT_RISK("at-risk", Alert.Severity.WARNING);

    private static final Set<String> NAMES = Arrays.stream(values()).map(AlertRule::ruleName).collect(Collectors.toUnmodifiableSet());

    private final String ruleName;
    private final Alert.Severity severity;

    AlertRule(String ruleName, Alert.Severity severity) {
        this.ruleName = ruleName;
        this.severity = severity;
    }

    public String ruleName() {
        return ruleName;
    }

    public Alert.Severity severity() {
        return severity;
    }

    /** True for alerts this service published itself: they must not be fed back into the rules. */
    public static boolean isOwn(String rule) {
        return rule != null && NAMES.contains(rule);
    }
}
