package io.filterwatch.aggregator.sink;

import java.time.Duration;
import java.util.Optional;

/**
 * Connection to InfluxDB's v1 HTTP API ({@code /write}, {@code /query}), which 1.x, 2.x (DBRP
 * mapping, token as password) and 3 Core all serve.
 *
 * @param maxPointsPerWrite points per {@code /write} request; InfluxDB recommends 5,000 to 10,000
 * @param createDatabase    issue {@code CREATE DATABASE} at start (idempotent; needs admin rights, failure is only logged)
 */
public record InfluxSettings(
        String url,
        String database,
        Optional<String> username,
        Optional<String> password,
        int maxPointsPerWrite,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration timeout,
        boolean createDatabase) {

    public static InfluxSettings of(String url, String database) {
        return new InfluxSettings(url, database, Optional.empty(), Optional.empty(), 5000,
                Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(10), true);
    }
}
