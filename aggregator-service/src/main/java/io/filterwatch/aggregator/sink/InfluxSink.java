package io.filterwatch.aggregator.sink;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Pong;
import org.influxdb.dto.Query;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import okhttp3.OkHttpClient;

/**
 * Synchronous, batched writes with influxdb-java over the v1 {@code /write} endpoint. Its own
 * background batching ({@code enableBatch}) is deliberately off: it acknowledges before InfluxDB
 * does and drops points when its buffer overflows, whereas the pipeline commits Kafka offsets only
 * after {@link #write} returned. Lines come pre-encoded from {@link LineProtocol} (see there why).
 */
public final class InfluxSink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InfluxSink.class);

    private final InfluxSettings settings;
    private final InfluxDB influx;
    private final Counter pointsWritten;
    private final Timer writeLatency;
    private volatile boolean lastWriteOk = true;

    public InfluxSink(InfluxSettings settings, MeterRegistry registry) {
        this.settings = settings;
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                // Retries are ours (with backoff and offsets held back); OkHttp's silent ones would hide outages.
                .retryOnConnectionFailure(false);
        this.influx = settings.username().filter(u -> !u.isBlank()).isPresent()
                ? InfluxDBFactory.connect(settings.url(), settings.username().get(), settings.password().orElse(""), http)
                : InfluxDBFactory.connect(settings.url(), http);
        this.influx.setLogLevel(InfluxDB.LogLevel.NONE);
        this.pointsWritten = Counter.builder("filterwatch.aggregator.points.written")
                .description("Points acknowledged by InfluxDB").register(registry);
        this.writeLatency = Timer.builder("filterwatch.aggregator.write.latency")
                .description("Duration of one InfluxDB /write request").publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Creates the database if allowed; returns false when InfluxDB is unreachable or refuses. */
    public boolean ensureDatabase() {
        if (!settings.createDatabase()) {
            return true;
        }
        try {
            influx.query(new Query("CREATE DATABASE \"" + settings.database().replace("\"", "\\\"") + "\""));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("Could not create InfluxDB database %s: %s", settings.database(), e.getMessage());
            return false;
        }
    }

    /**
     * Writes every line or throws; at most {@code maxPointsPerWrite} lines per {@code /write} request.
     * A partial failure (one chunk written, the next not) is retried as a whole by the caller:
     * deterministic timestamps make the rewrite an overwrite, not a duplicate.
     */
    public void write(List<String> lines) {
        int chunk = Math.max(1, settings.maxPointsPerWrite());
        try {
            for (int from = 0; from < lines.size(); from += chunk) {
                List<String> part = lines.subList(from, Math.min(lines.size(), from + chunk));
                long start = System.nanoTime();
                // influxdb-java's v1 /write with precision=ms; the lines are already line protocol (LineProtocol).
                influx.write(settings.database(), "", InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, part);
                writeLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                pointsWritten.increment(part.size());
            }
            lastWriteOk = true;
        } catch (RuntimeException e) {
            lastWriteOk = false;
            throw e;
        }
    }

    /**
     * True when a write failed for a reason that retrying cannot fix (bad data, type conflict, no rights):
     * such a batch is dropped and counted instead of blocking the stream forever. A missing database is
     * retryable: the next attempt first re-creates it.
     */
    public static boolean isPermanent(RuntimeException e) {
        if (e instanceof InfluxDBException.FieldTypeConflictException
                || e instanceof InfluxDBException.UnableToParseException
                || e instanceof InfluxDBException.PointsBeyondRetentionPolicyException) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.contains("partial write") || m.contains("field type conflict") || m.contains("unable to parse");
    }

    public static boolean isDatabaseMissing(RuntimeException e) {
        return e instanceof InfluxDBException.DatabaseNotFoundException
                || (e.getMessage() != null && e.getMessage().contains("database not found"));
    }

    public boolean ping() {
        try {
            Pong pong = influx.ping();
            return pong != null && pong.isGood();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public boolean lastWriteOk() {
        return lastWriteOk;
    }

    public InfluxSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        influx.close();
    }
}
