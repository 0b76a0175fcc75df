package io.filterwatch.aggregator.alert;

import java.util.Set;

/**
 * Thresholds of the collapse rules (properties {@code filterwatch.alerts.*}, documented in
 * {@code docs/metrics.md}). Each rule fires at its fire threshold and resolves only after its value
 * stayed below the lower resolve threshold for {@code clearEvaluations} consecutive evaluations:
 * the gap and the count are the hysteresis that keeps an alert from flapping.
 */
public record AlertSettings(
        int clearEvaluations,
        boolean riseEnabled, double risePoints, long riseWithinSteps, double riseResolvePoints,
        boolean runDeadEnabled, double runDeadFraction, double runDeadResolveFraction,
        boolean layerDeadEnabled,
        boolean nonFiniteEnabled, Set<String> probeNumericRules,
        boolean atRiskEnabled, double atRiskDyingFraction, double atRiskResolveDyingFraction,
        double atRiskGammaDominance, Set<String> adaptiveOptimizers) {

    public static AlertSettings defaults() {
        return new AlertSettings(2,
                true, 10.0, 500, 5.0,
                true, 0.30, 0.25,
                true,
                true, Set.of("numeric-health"),
                true, 0.10, 0.05, 1.0,
                Set.of("adam", "adamax", "nadam", "amsgrad", "rmsprop", "adagrad", "adadelta", "radam"));
    }
}
