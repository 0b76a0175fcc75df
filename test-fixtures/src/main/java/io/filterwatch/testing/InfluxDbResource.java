package io.filterwatch.testing;

import java.util.Map;

import io.filterwatch.protocol.influx.InfluxSchema;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real InfluxDB ({@link LocalInfluxDb}, an {@code influxd} process on free
 * 127.0.0.1 ports) with database {@value #DATABASE} created. Returns {@code influxdb.url} and
 * {@code influxdb.database}. Init arg {@code database} picks another name.
 *
 * <p>Each resource instance owns its server: started in {@link #start()}, stopped (process ended,
 * temp folder deleted) in {@link #stop()}. Tests that simulate an outage get the running server
 * with {@link #current()} and call {@code stopServer()} / {@code restartServer()} on it.
 */
public class InfluxDbResource implements QuarkusTestResourceLifecycleManager {
    public static final String DATABASE = InfluxSchema.DEFAULT_DATABASE;
    public static final String URL_PROPERTY = "influxdb.url";
    public static final String DATABASE_PROPERTY = "influxdb.database";

    private static volatile LocalInfluxDb current;

    private String database = DATABASE;
    private LocalInfluxDb influx;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", DATABASE);
    }

    @Override
    public Map<String, String> start() {
        influx = LocalInfluxDb.start();
        influx.createDatabase(database);
        current = influx;
        return Map.of(URL_PROPERTY, influx.url(), DATABASE_PROPERTY, database);
    }

    @Override
    public void stop() {
        if (influx != null) {
            if (current == influx) {
                current = null;
            }
            influx.stop();
            influx = null;
        }
    }

    /** The server the most recently started InfluxDbResource runs, or null. */
    public static LocalInfluxDb current() {
        return current;
    }
}
