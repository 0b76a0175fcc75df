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

    /**
     * The alert rules (docs/metrics.md, "Alert rules"; why each default: docs/operations.md, "Alerts").
     * The defaults live here only; {@link io.filterwatch.aggregator.alert.AlertSettings#defaults()} reads them.
     */
    interface Alerts {
        /** K: consecutive layer (or run) summaries the condition must hold before an episode fires. */
        @WithDefault("3")
        int persistenceSnapshots();

        /** Consecutive evaluations below the resolve threshold before an open episode resolves. */
        @WithDefault("3")
        int clearEvaluations();

        /** An episode stays open for at least this many evaluations, whatever the value does. */
        @WithDefault("10")
        int minEpisodeSnapshots();

        /**
         * Hysteresis on the scale test: a filter counted dead by |gamma| < 1e-3 counts as dead for the
         * rules until |gamma| rises to this value (gamma noise around 1e-3 does not move the counts).
         */
        @WithDefault("2e-3")
        double scaleReleaseGamma();

        LayerDeadFraction layerDeadFraction();

        Trend trend();

        @WithDefault("true")
        boolean layerDeadEnabled();

        RunDead runDead();

        NonFinite nonFinite();

        AtRisk atRisk();

        RunSilent runSilent();
    }

    interface LayerDeadFraction {
        @WithDefault("true")
        boolean enabled();

        /**
         * The level of the layer's dead share (0..1) at which it fires ... Low, because fast collapses
         * jump: in the corpus an RMSProp layer went from 3 to 8 of 64 filters dead (4.7% to 12.5%)
         * between two snapshots 100 steps apart, so a 5% level fired with no lead before 10%.
         */
        @WithDefault("0.03")
        double fraction();

        /** ... and at least this many dead filters (small layers: one or two filters are not a collapse). */
        @WithDefault("3")
        int minFilters();

        @WithDefault("0.015")
        double resolveFraction();

        /**
         * Persistence of this rule alone: its count already has hysteresis (the scale test's release
         * level; the activation test waits an epoch), so a crossing is not noise, and a fast collapse
         * crosses 3% and 10% one or two snapshots apart.
         */
        @WithDefault("1")
        int persistenceSnapshots();
    }

    interface Trend {
        @WithDefault("true")
        boolean enabled();

        /** The trend is measured over this many epochs (dead now minus dead that long ago) ... */
        @WithDefault("5")
        int epochs();

        /** ... and fires at this many percentage points of the layer's filters per epoch ... */
        @WithDefault("1")
        double pointsPerEpoch();

        /** ... when at least this many filters died over the window. */
        @WithDefault("3")
        int minFilters();

        @WithDefault("0.3")
        double resolvePointsPerEpoch();

        /** Steps per epoch; 0 = learned from the summaries' epoch numbers. */
        @WithDefault("0")
        long epochSteps();
    }

    interface RunDead {
        @WithDefault("true")
        boolean enabled();

        /** Fraction of the run's filters dead (0..1) at which the run alert fires. */
        @WithDefault("0.20")
        double fraction();

        @WithDefault("0.15")
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

        /** Share of the layer's live (not dead) filters that are DYING or SILENT ... */
        @WithDefault("0.10")
        double fraction();

        /** ... and at least this many of them ... */
        @WithDefault("3")
        int minFilters();

        @WithDefault("0.05")
        double resolveFraction();

        /**
         * Persistence of this rule alone, longer than the others': DYING already takes K decaying
         * snapshots, and filters that shrink for a few hundred steps and recover (a transient in which
         * the loss lets go of them) are normal training. 6 summaries are 600 steps at the default
         * interval, 0.13% of an ImageNet run.
         */
        @WithDefault("6")
        int persistenceSnapshots();

        /**
         * ... under one of these optimizers (the paper's mechanism: adaptive steps with coupled L2).
         * DYING itself needs the regulariser to win on the filter's own gamma; no layer-wide gate.
         */
        @WithDefault("adam,adamax,nadam,amsgrad,radam,rmsprop,adagrad,adadelta")
        Set<String> adaptiveOptimizers();
    }

    interface RunSilent {
        @WithDefault("true")
        boolean enabled();

        /** run-silent fires after this many of the run's own snapshot intervals without data ... */
        @WithDefault("5")
        double intervals();

        /** ... and never sooner than this (fast runs, jitter). */
        @WithDefault("2m")
        Duration minSilence();

        /** run-lost: no data for this many intervals (and at least lost-min-silence) and no end event. */
        @WithDefault("60")
        double lostIntervals();

        @WithDefault("30m")
        Duration lostMinSilence();

        /**
         * Runs quiet for longer than this are no longer watched: after a restart, or when old data is
         * replayed, a run that stopped days ago raises no fresh alert (it was reported when it happened).
         */
        @WithDefault("24h")
        Duration forgetAfter();

        /** How often the aggregator checks its running runs for silence. */
        @WithDefault("10s")
        Duration checkInterval();
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
