package io.filterwatch.e2e.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

import io.filterwatch.deploy.DashboardQueries;

/**
 * Times every InfluxQL query of grafana/ (dashboard panels, template variables, annotations, alert rules, as
 * {@link DashboardQueries} extracts and substitutes them) against an InfluxDB holding a run: over the run's
 * whole range and over its last 6 hours, the median of REPEATS runs each (3 when the first takes over 3 s), one query at a time, as Grafana sends
 * them (HTTP GET /query, epoch=ms). Prints one table row per query (milliseconds), slowest first per range.
 *
 * <pre>java -cp ... io.filterwatch.e2e.bench.DashboardTimings INFLUX_URL RUN LAYER FROM_MS TO_MS [REPEATS]</pre>
 */
public final class DashboardTimings {
    static final double SLOW_MS = 3000;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String run = args[1];
        String layer = args[2];
        Instant from = Instant.ofEpochMilli(Long.parseLong(args[3]));
        Instant to = Instant.ofEpochMilli(Long.parseLong(args[4]));
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Path root = Path.of(System.getProperty("filterwatch.repo.root", ".")).toAbsolutePath().normalize();
        var queries = DashboardQueries.all(root);
        System.out.println("| query | kind | whole run: median ms (min-max) | last 6 h: median ms (min-max) | bytes (whole run) |");
        System.out.println("|---|---|---:|---:|---:|");
        for (DashboardQueries.Query q : queries) {
            StringBuilder row = new StringBuilder("| " + q.source().replaceFirst("^grafana/", "") + ": " + q.name() + " | " + q.kind() + " |");
            long bytes = 0;
            for (Instant start : new Instant[] {from, to.minus(Duration.ofHours(6))}) {
                String influxQl = q.substituted(DashboardQueries.Variables.of(run, layer, start, to));
                URI uri = URI.create(url + "/query?db=filterwatch&epoch=ms&q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8));
                double[] ms = new double[repeats];
                int n = repeats;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                        throw new IllegalStateException(q.name() + ": " + r.statusCode() + " " + r.body());
                    }
                    if (start == from) {
                        bytes = r.body().length();
                    }
                    if (i == 0 && ms[0] > SLOW_MS) {
                        n = Math.min(n, 3); // a slow one: three runs are enough to say how slow (bounded time)
                    }
                }
                double[] got = Arrays.copyOf(ms, n);
                Arrays.sort(got);
                row.append(String.format(Locale.ROOT, " %.0f (%.0f-%.0f)%s |", got[n / 2], got[0], got[n - 1],
                        n < repeats ? " n=" + n : ""));
            }
            row.append(' ').append(bytes).append(" |");
            System.out.println(row);
        }
    }
}
