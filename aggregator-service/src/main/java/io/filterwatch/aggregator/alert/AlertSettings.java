package io.filterwatch.aggregator.alert;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.filterwatch.aggregator.AggregatorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The alert rules' thresholds as a plain value, so the engine runs (in the service, in tests and in
 * the console's offline backtest) without Quarkus. {@link AggregatorConfig.Alerts} holds every
 * default, in one place; {@link #defaults()} and {@link #withOverrides(Map)} read them from there.
 * Meanings: docs/metrics.md, "Alert rules".
 */
public record AlertSettings(
        int persistence, int clearEvaluations, int minEpisodeEvaluations, double scaleReleaseGamma,
        boolean levelEnabled, double levelFraction, int levelMinFilters, double levelResolveFraction, int levelPersistence,
        boolean trendEnabled, int trendEpochs, double trendPointsPerEpoch, int trendMinFilters, double trendResolvePointsPerEpoch, long trendEpochSteps,
        boolean layerDeadEnabled,
        boolean runDeadEnabled, double runDeadFraction, double runDeadResolveFraction,
        boolean nonFiniteEnabled, Set<String> probeNumericRules,
        boolean atRiskEnabled, double atRiskFraction, int atRiskMinFilters, double atRiskResolveFraction, int atRiskPersistence,
        Set<String> adaptiveOptimizers,
        boolean silentEnabled, double silentIntervals, Duration silentMinSilence, double lostIntervals, Duration lostMinSilence,
        Duration silentForgetAfter, Duration silentCheckInterval) {

    public AlertSettings {
        adaptiveOptimizers = adaptiveOptimizers.stream().map(o -> o.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        probeNumericRules = Set.copyOf(probeNumericRules);
    }

    public static AlertSettings of(AggregatorConfig.Alerts a) {
        return new AlertSettings(a.persistenceSnapshots(), a.clearEvaluations(), a.minEpisodeSnapshots(), a.scaleReleaseGamma(),
                a.layerDeadFraction().enabled(), a.layerDeadFraction().fraction(), a.layerDeadFraction().minFilters(),
                a.layerDeadFraction().resolveFraction(), a.layerDeadFraction().persistenceSnapshots(),
                a.trend().enabled(), a.trend().epochs(), a.trend().pointsPerEpoch(), a.trend().minFilters(), a.trend().resolvePointsPerEpoch(),
                a.trend().epochSteps(),
                a.layerDeadEnabled(),
                a.runDead().enabled(), a.runDead().fraction(), a.runDead().resolveFraction(),
                a.nonFinite().enabled(), a.nonFinite().probeRules(),
                a.atRisk().enabled(), a.atRisk().fraction(), a.atRisk().minFilters(), a.atRisk().resolveFraction(),
                a.atRisk().persistenceSnapshots(),
                a.atRisk().adaptiveOptimizers(),
                a.runSilent().enabled(), a.runSilent().intervals(), a.runSilent().minSilence(), a.runSilent().lostIntervals(),
                a.runSilent().lostMinSilence(), a.runSilent().forgetAfter(), a.runSilent().checkInterval());
    }

    /** The defaults of {@link AggregatorConfig.Alerts}. */
    public static AlertSettings defaults() {
        return DEFAULTS;
    }

    private static final AlertSettings DEFAULTS = withOverrides(Map.of());

    /**
     * The defaults with some properties set, named as in application.properties
     * ({@code aggregator.alerts.at-risk.fraction=0.2}); an unknown or malformed one fails.
     */
    public static AlertSettings withOverrides(Map<String, String> properties) {
        java.util.Set<String> known = knownNames();
        for (String k : properties.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown alert setting: " + k + " (known: " + known + ")");
            }
        }
        AggregatorConfig config = new SmallRyeConfigBuilder()
                .withMapping(AggregatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "overrides", 500))
                .build()
                .getConfigMapping(AggregatorConfig.class);
        return of(config.alerts());
    }

    private static java.util.Set<String> knownNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        collect(AggregatorConfig.Alerts.class, "aggregator.alerts.", names);
        return names;
    }

    private static void collect(Class<?> type, String prefix, java.util.Set<String> out) {
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String name = prefix + kebab(m.getName());
            Class<?> r = m.getReturnType();
            if (r.isInterface() && r.getEnclosingClass() == AggregatorConfig.class) {
                collect(r, name + ".", out);
            } else {
                out.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
