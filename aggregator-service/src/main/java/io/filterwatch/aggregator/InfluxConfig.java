package io.filterwatch.aggregator;

import java.time.Duration;
import java.util.Optional;

import io.filterwatch.protocol.influx.InfluxSchema;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Properties {@code influxdb.*}; credentials are optional and come from env ({@code INFLUXDB_USERNAME}, {@code INFLUXDB_PASSWORD}). */
@ConfigMapping(prefix = "influxdb")
public interface InfluxConfig {
    @WithDefault("http://127.0.0.1:8086")
    String url();

    @WithDefault(InfluxSchema.DEFAULT_DATABASE)
    String database();

    Optional<String> username();

    Optional<String> password();

    @WithDefault("5000")
    int batchSize();

    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("5s")
    Duration maxBackoff();

    @WithDefault("10s")
    Duration timeout();

    @WithDefault("true")
    boolean createDatabase();
}
