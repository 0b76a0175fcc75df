package io.filterwatch.aggregator;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Properties {@code aggregator.*}: consumption, alert rules and webhooks. Documented in {@code docs/metrics.md}. */
@ConfigMapping(prefix = "aggregator")
public interface AggregatorConfig {

    /** Start the consumer with the application (off only for tests that drive the core themselves). */
    @WithDefault("true")
    boolean enabled();

    /** Stable consumer group: the committed offsets, hence "what was already written", live under it. */
    @WithDefault("filterwatch-aggregator")
    String groupId();

    @WithDefault("2000")
    int maxPollRecords();

    @WithDefault("500ms")
    Duration pollTimeout();

    /** Alert episodes kept per run for the API (the topic and InfluxDB keep all). */
    @WithDefault("500")
    int maxAlertsPerRun();

    Alerts alerts();

    Webhooks webhooks();

    interface Alerts {
        /** Consecutive evaluations below the resolve threshold before an alert resolves. */
        @WithDefault("2")
        int clearEvaluations();

        Rise rise();

        RunDead runDead();

        @WithDefault("true")
        boolean layerDeadEnabled();

        NonFinite nonFinite();

        AtRisk atRisk();
    }

    interface Rise {
        @WithDefault("true")
        boolean enabled();

        /** X: percentage points the layer's dead fraction must rise by ... */
        @WithDefault("10")
        double points();

        /** ... within Y steps. */
        @WithDefault("500")
        long withinSteps();

        @WithDefault("5")
        double resolvePoints();
    }

    interface RunDead {
        @WithDefault("true")
        boolean enabled();

        /** Fraction of the run's filters dead (0..1) at which the run alert fires. */
        @WithDefault("0.30")
        double fraction();

        @WithDefault("0.25")
        double resolveFraction();
    }

    interface NonFinite {
        @WithDefault("true")
        boolean enabled();

        /** Probe alert rules on filterwatch.alerts that mean "NaN or Inf seen". */
        @WithDefault("numeric-health")
        Set<String> probeRules();
    }

    interface AtRisk {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0.10")
        double dyingFraction();

        @WithDefault("0.05")
        double resolveDyingFraction();

        /** Median regularisation dominance on BN gamma above which the regulariser "wins". */
        @WithDefault("1.0")
        double gammaDominance();

        @WithDefault("adam,adamax,nadam,amsgrad,radam,rmsprop,adagrad,adadelta")
        Set<String> adaptiveOptimizers();
    }

    interface Webhooks {
        Optional<URI> alertmanagerUrl();

        Optional<URI> slackUrl();

        @WithDefault("5")
        int maxAttempts();

        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        @WithDefault("1000")
        int queueCapacity();

        @WithDefault("5s")
        Duration timeout();

        @WithDefault("24h")
        Duration firingTtl();
    }
}
