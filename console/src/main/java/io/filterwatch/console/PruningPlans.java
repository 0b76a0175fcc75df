package io.filterwatch.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.PruningPlan;

/**
 * The pruning plan of a run, as the aggregator computes it ({@code GET /runs/{id}/pruning-plan}, the shared
 * {@link PruningPlan} of snapshot-protocol). The console computes none of its own: an exact plan needs the
 * run's topology, which only the aggregator keeps (docs/metrics.md, "Pruning plan").
 */
public final class PruningPlans {

    /**
     * @param source where the plan came from, or why there is none, said in the report
     * @param plan   the aggregator's plan, or null when it did not answer
     */
    public record Plan(String source, PruningPlan plan) {
    }

    private PruningPlans() {
    }

    /** The aggregator's plan; without one, {@code plan} is null and {@code source} says why. */
    public static Plan of(String apiBase, String runId) {
        if (apiBase == null || apiBase.isBlank()) {
            return new Plan("no aggregator API given (--api): no pruning plan", null);
        }
        String url = apiBase.replaceAll("/+$", "") + "/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/pruning-plan";
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return new Plan("aggregator API " + url + " answered HTTP " + r.statusCode() + ": no pruning plan", null);
            }
            return new Plan("aggregator API " + url, JsonMessages.fromJson(r.body(), PruningPlan.class));
        } catch (Exception e) {
            return new Plan("aggregator API " + url + " did not answer (" + e.getClass().getSimpleName() + "): no pruning plan",
                    null);
        }
    }
}
