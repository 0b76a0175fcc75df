package io.filterwatch.aggregator.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.TestData;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.testing.LocalInfluxDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Points per second sustained into a real InfluxDB: the aggregator's sink (records to line protocol
 * with {@link PointMapper}, then {@link InfluxSink#write} through influxdb-java, timed together)
 * against raw line-protocol POSTs of the same points by a plain {@code java.net.http} client whose
 * request bodies are formatted before the clock starts (the best case for the baseline).
 *
 * <p>Same server, same 5,000 points per request, same run. The two alternate batch by batch (who
 * goes first alternates too), each into its own fresh database, so that both see the same server
 * state and the same machine load: on a shared 2-core machine the load swings by 2x within a minute,
 * and whole-run alternation measured the load rather than the clients.
 *
 * <p>Run: {@code mvn -B -o -q -pl aggregator-service test -Dtest=SinkThroughputBenchmark -Dfilterwatch.bench=true}
 * (optional {@code -Dfilterwatch.bench.points=60000}).
 */
class SinkThroughputBenchmark {
    private static final int BATCH = 5000;
    private int serverTimeouts;

    @Test
    void sinkVersusRawLineProtocol() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("filterwatch.bench"), "benchmark: run with -Dfilterwatch.bench=true");
        int n = Integer.getInteger("filterwatch.bench.points", 60_000);
        List<FilterStat> records = records(n);
        try (LocalInfluxDb influx = LocalInfluxDb.start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // warm-up (JIT, connections, the server's first shard), not counted
            run(influx, http, "warm", records.subList(0, Math.min(n, 10_000)));
            double[] rates = run(influx, http, "measured", records);
            System.out.printf(Locale.ROOT, "RESULT points=%d batch=%d sink=%.0f points/s raw=%.0f points/s ratio=%.3f "
                            + "server_timeouts=%d load_average=%.1f%n", n, BATCH, rates[0], rates[1], rates[0] / rates[1],
                    serverTimeouts, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** @return points per second {sink, raw} */
    private double[] run(LocalInfluxDb influx, HttpClient http, String tag, List<FilterStat> records) throws Exception {
        String sinkDb = "bench_sink_" + tag;
        String rawDb = "bench_raw_" + tag;
        influx.createDatabase(sinkDb);
        influx.createDatabase(rawDb);
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < records.size(); from += BATCH) {
            StringBuilder body = new StringBuilder();
            for (FilterStat s : records.subList(from, Math.min(records.size(), from + BATCH))) {
                body.append(PointMapper.filterStat(s)).append('\n');
            }
            bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
        }
        URI uri = URI.create(influx.url() + "/write?db=" + URLEncoder.encode(rawDb, StandardCharsets.UTF_8) + "&precision=ms");
        InfluxSettings settings = new InfluxSettings(influx.url(), sinkDb, java.util.Optional.empty(), java.util.Optional.empty(), BATCH,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(300), false);
        long sinkNanos = 0;
        long rawNanos = 0;
        try (InfluxSink sink = new InfluxSink(settings, new SimpleMeterRegistry())) {
            for (int b = 0; b < bodies.size(); b++) {
                List<FilterStat> batch = records.subList(b * BATCH, Math.min(records.size(), (b + 1) * BATCH));
                if (b % 2 == 0) {
                    sinkNanos += viaSink(sink, batch);
                    rawNanos += viaRawPost(http, uri, bodies.get(b));
                } else {
                    rawNanos += viaRawPost(http, uri, bodies.get(b));
                    sinkNanos += viaSink(sink, batch);
                }
            }
        }
        verify(influx, sinkDb, records.size());
        verify(influx, rawDb, records.size());
        double sink = records.size() / (sinkNanos / 1e9);
        double raw = records.size() / (rawNanos / 1e9);
        System.out.printf(Locale.ROOT, "%s: sink %.0f points/s, raw %.0f points/s%n", tag, sink, raw);
        return new double[] {sink, raw};
    }

    /** ResNet-like fixed input: filters of 53 layers, successive refreshes, deterministic values. */
    static List<FilterStat> records(int n) {
        List<FilterStat> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int layer = i % 53;
            int filter = (i / 53) % 512;
            long step = 100L * (i / (53 * 512) + 1);
            boolean dead = (i % 7) == 0;
            out.add(TestData.filter("bench-run", "layer" + layer, layer, filter, step, dead ? FilterState.DEAD : FilterState.ALIVE,
                    dead, dead ? 1e-4 : 0.5 + (i % 100) / 100.0, dead ? -0.1 : 0.05 * (i % 10)));
        }
        return out;
    }

    /** As the pipeline does for one poll: map the records, write them; mapping is on the clock. */
    private long viaSink(InfluxSink sink, List<FilterStat> batch) {
        long start = System.nanoTime();
        List<String> lines = new ArrayList<>(batch.size());
        for (FilterStat s : batch) {
            lines.add(PointMapper.filterStat(s));
        }
        while (true) {
            try {
                sink.write(lines);
                return System.nanoTime() - start;
            } catch (org.influxdb.InfluxDBException e) {
                // influxd answers 500 {"error":"timeout"} when a write exceeds its 10 s coordinator timeout
                // (seen under heavy load); resend, as the pipeline would, with the time counted
                if (e.getMessage() == null || !e.getMessage().contains("timeout")) {
                    throw e;
                }
                serverTimeouts++;
            }
        }
    }

    private long viaRawPost(HttpClient http, URI uri, byte[] body) throws Exception {
        long start = System.nanoTime();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 204) {
                return System.nanoTime() - start;
            }
            if (r.statusCode() != 500 || !r.body().contains("timeout")) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
            }
            serverTimeouts++;
        }
    }

    private static void verify(LocalInfluxDb influx, String db, int expected) {
        String json = influx.query(db, "SELECT count(state_code) FROM filter_stats");
        assertThat(json).contains("," + expected + "]");
    }
}
