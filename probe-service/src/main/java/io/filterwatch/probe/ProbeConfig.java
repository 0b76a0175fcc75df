package io.filterwatch.probe;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** {@code probe.*} in application.properties; meanings in docs/metrics.md. */
@ConfigMapping(prefix = "probe")
public interface ProbeConfig {

    /** Start the consumer loop (off in tests that only exercise the REST side). */
    @WithDefault("true")
    boolean enabled();

    /** Consumer group; stable, so instances share partitions and a restart resumes. */
    @WithName("group-id")
    @WithDefault("filterwatch-probe")
    String groupId();

    /** Prefix for the four topic names (unset in production). */
    @WithName("topic-prefix")
    Optional<String> topicPrefix();

    @WithName("max-poll-records")
    @WithDefault("200")
    int maxPollRecords();

    Window window();

    State state();

    Output output();

    /** eps of the adaptive optimizers' denominator sqrt(v) + eps. */
    @WithName("adam-epsilon")
    @WithDefault("1e-8")
    double adamEpsilon();

    /** Workers per run; 0 learns it from the stream. */
    @WithName("expected-workers")
    @WithDefault("0")
    int expectedWorkers();

    Merge merge();

    interface Merge {
        /** D: steps held back per layer waiting for a lagging worker or an overtaken step. */
        @WithName("depth")
        @WithDefault("2")
        int depth();
    }

    interface Window {
        /** Upper bound of the trailing window, training samples. */
        @WithDefault("50000")
        long samples();

        /** Training samples per epoch (the paper's activation test spans one); unset: learned from the stream. */
        @WithName("epoch-samples")
        Optional<Long> epochSamples();

        /** Sampled response rows kept per layer window. */
        @WithName("max-sample-rows")
        @WithDefault("1024")
        int maxSampleRows();
    }

    interface State {
        /** K of the state rules. */
        @WithName("dying-snapshots")
        @WithDefault("3")
        int dyingSnapshots();
    }

    interface Output {
        /** M: every filter's FilterStat refreshed at least every M merged snapshots of its layer, C/M per snapshot. */
        @WithName("refresh-every")
        @WithDefault("20")
        int refreshEvery();

        @WithName("relative-tolerance")
        @WithDefault("0.05")
        double relativeTolerance();

        @WithName("fraction-tolerance")
        @WithDefault("0.02")
        double fractionTolerance();

        @WithName("dominance-factor")
        @WithDefault("4.0")
        double dominanceFactor();
    }

    default ProbeSettings settings() {
        return new ProbeSettings(window().samples(), window().epochSamples().orElse(0L), window().maxSampleRows(),
                state().dyingSnapshots(), output().refreshEvery(), output().relativeTolerance(),
                output().fractionTolerance(), output().dominanceFactor(), adamEpsilon(), expectedWorkers(),
                merge().depth());
    }
}
