package io.filterwatch.protocol;

import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A few log lines per Kafka outage instead of the client's one per reconnect attempt. Every service
 * turns the Kafka client's own connection warnings off (docs/operations.md, "Outages") and feeds
 * this, about once a second, with the client's metrics; it answers with a line to log when the
 * client has had no broker connection for {@link #GRACE_MILLIS} while it needed one, and once when a
 * connection is back, with the outage's length. It reads the clients' {@code connection-count}
 * metric only, so it costs nothing and needs no request of its own. Not thread-safe.
 */
public final class KafkaConnectionWatch {
    /** No connection for this long is an outage: shorter gaps are reconnects, not news. */
    public static final long GRACE_MILLIS = 5_000;

    private final String client;
    private boolean connected = true;
    private long noConnectionSince = -1;

    /** @param client what the lines call the client, e.g. "probe consumer" */
    public KafkaConnectionWatch(String client) {
        this.client = client;
    }

    /**
     * @param metrics the client's {@code metrics()}
     * @param needed  whether the client has work that needs a broker now (a producer with records
     *                waiting; a consumer always): an idle producer closes its connections and is fine
     * @return a line to log, or null
     */
    public String observe(Map<MetricName, ? extends Metric> metrics, long nowMillis, boolean needed) {
        if (connections(metrics) > 0) {
            String line = connected ? null : client + ": Kafka is back after "
                    + seconds(nowMillis - noConnectionSince) + " s";
            connected = true;
            noConnectionSince = -1;
            return line;
        }
        if (!needed) {
            return null;
        }
        if (noConnectionSince < 0) {
            noConnectionSince = nowMillis;
        }
        if (connected && nowMillis - noConnectionSince >= GRACE_MILLIS) {
            connected = false;
            return client + ": no connection to any Kafka broker for " + seconds(nowMillis - noConnectionSince)
                    + " s; the client keeps reconnecting with backoff; a line follows when it is back";
        }
        return null;
    }

    /** False between the "no connection" line and the "back" line. */
    public boolean connected() {
        return connected;
    }

    /** Open broker connections of a client: its {@code connection-count} metric (0 when absent). */
    static double connections(Map<MetricName, ? extends Metric> metrics) {
        double n = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("connection-count") && name.group().endsWith("-metrics")
                    && e.getValue().metricValue() instanceof Number v) {
                n += v.doubleValue();
            }
        }
        return n;
    }

    private static long seconds(long millis) {
        return Math.round(millis / 1000.0);
    }
}
