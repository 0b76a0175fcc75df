package io.filterwatch.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Service-level settings ({@code filterwatch.trainer.*}); a run's own settings are {@link RunConfig}. */
@ConfigMapping(prefix = "filterwatch.trainer")
public interface TrainerSettings {

    /**
     * {@code server}: REST-driven; {@code job}: train the run of {@code filterwatch.run.*} and exit;
     * {@code describe}: train nothing, print what that run would capture (layers, sizes) and exit;
     * {@code evaluate}: score the run's latest checkpoint on the data set's test split, print one JSON line and exit.
     */
    @WithDefault("server")
    Mode mode();

    /** Snapshots buffered between training and Kafka before the oldest are dropped. */
    @WithDefault("512")
    int publishBuffer();

    /** Snapshots handed to Kafka and not yet acknowledged. */
    @WithDefault("64")
    int maxInFlight();

    /**
     * Training devices: {@code auto} (every visible GPU, data-parallel; else the CPU), {@code cpu},
     * {@code gpu} (every visible GPU, none is an error) or a list such as {@code gpu0,gpu1}.
     */
    @WithDefault("auto")
    String devices();

    /**
     * The DJL engine: {@code mxnet} (MXNet 1.9.1; its GPU image runs on compute capability up to
     * 8.0) or {@code pytorch} (PyTorch 2.7.1; its GPU image runs on 7.5 to Blackwell). See
     * {@link EngineKind}; the default lives there.
     */
    @WithDefault(EngineKind.DEFAULT_NAME)
    EngineKind engine();

    /** Job mode: how long to wait for the last snapshots to be acknowledged before exiting. */
    @WithDefault("60s")
    Duration flushTimeout();

    enum Mode { SERVER, JOB, DESCRIBE, EVALUATE }
}
