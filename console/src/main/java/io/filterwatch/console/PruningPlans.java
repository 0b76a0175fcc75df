package io.filterwatch.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.console.Influx.Row;
import io.filterwatch.protocol.PruningRule;

/**
 * The pruning plan of a run: from the aggregator's {@code GET /runs/{id}/pruning-plan} when it answers,
 * else computed here from the latest filter_stats with the aggregator's own rule, {@link PruningRule}
 * (snapshot-protocol): a filter is removable when it is dead by the activation test or has
 * |gamma| &lt; 1e-3 with beta &lt;= 0 (ReLU of a non-positive constant); one with |gamma| &lt; 1e-3 but
 * beta &gt; 0 emits the constant ReLU(beta), which must be folded into the next layer's bias when it is
 * removed.
 */
public final class PruningPlans {

    public record BiasFold(int filter, double gamma, double beta, double constantOutput) {
    }

    public record LayerPlan(String layer, int layerIndex, int filterCount, List<Integer> removable,
                            List<BiasFold> foldIntoNextBias, String nextLayer, Long paramsSaved, Long flopsSaved) {
    }

    /** @param source where it came from, said in the report */
    public record Plan(String source, long step, int removableFilters, Long paramsSaved, Long flopsSaved,
                       List<LayerPlan> layers) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private PruningPlans() {
    }

    /** The aggregator's plan, or null when it is not reachable or does not know the run. */
    public static Plan fromApi(String apiBase, String runId) {
        if (apiBase == null || apiBase.isBlank()) {
            return null;
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            String url = apiBase.replaceAll("/+$", "") + "/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/pruning-plan";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            return parse(JSON.readTree(r.body()), "aggregator API " + url);
        } catch (Exception e) {
            return null;
        }
    }

    static Plan parse(JsonNode n, String source) {
        List<LayerPlan> layers = new ArrayList<>();
        for (JsonNode l : n.path("layers")) {
            List<Integer> removable = new ArrayList<>();
            l.path("removable").forEach(f -> removable.add(f.asInt()));
            List<BiasFold> folds = new ArrayList<>();
            l.path("foldIntoNextBias").forEach(f -> folds.add(new BiasFold(f.path("filter").asInt(),
                    f.path("gamma").asDouble(), f.path("beta").asDouble(), f.path("constantOutput").asDouble())));
            layers.add(new LayerPlan(l.path("layer").asText(), l.path("layerIndex").asInt(), l.path("filterCount").asInt(),
                    removable, folds, l.path("nextLayer").isNull() ? null : l.path("nextLayer").asText(null),
                    longOrNull(l.path("paramsSaved")), longOrNull(l.path("flopsSaved"))));
        }
        return new Plan(source, n.path("step").asLong(), n.path("removableFilters").asInt(),
                longOrNull(n.path("paramsSaved")), longOrNull(n.path("flopsSaved")), layers);
    }

    private static Long longOrNull(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n.asLong();
    }

    /** The plan computed from the latest filter statistics of each layer. */
    public static Plan compute(RunData run) {
        List<LayerPlan> layers = new ArrayList<>();
        List<Row> latest = run.latestLayers();
        long step = 0;
        int total = 0;
        long params = 0;
        long flops = 0;
        boolean costKnown = true;
        for (int i = 0; i < latest.size(); i++) {
            Row ls = latest.get(i);
            String layer = ls.str("layer");
            String next = i + 1 < latest.size() ? latest.get(i + 1).str("layer") : null;
            List<Row> filters = run.latestFilters.getOrDefault(layer, List.of());
            List<Integer> removable = new ArrayList<>();
            List<BiasFold> folds = new ArrayList<>();
            for (Row f : filters) {
                step = Math.max(step, f.lng("step"));
                int idx = RunData.parseInt(f.str("filter"));
                double gamma = f.num("gamma");
                double beta = f.num("beta");
                switch (PruningRule.action(f.lng("dead_by_activation") == 1, gamma, beta)) {
                    case REMOVE -> removable.add(idx);
                    case FOLD_INTO_NEXT_BIAS -> folds.add(new BiasFold(idx, gamma, beta, PruningRule.foldedConstant(beta)));
                    case KEEP -> { }
                }
            }
            int cut = removable.size() + folds.size();
            Long p = null;
            Long fl = null;
            long dead = ls.lng("dead");
            if (dead > 0 && ls.has("dead_params") && ls.has("dead_flops")) {
                p = Math.round(ls.num("dead_params") / dead * cut);
                fl = Math.round(ls.num("dead_flops") / dead * cut);
            } else if (cut == 0) {
                p = 0L;
                fl = 0L;
            }
            if (p == null) {
                costKnown = false;
            } else {
                params += p;
                flops += fl;
            }
            total += cut;
            layers.add(new LayerPlan(layer, ls.integer("layer_index"), ls.integer("filter_count"), removable, folds, next, p, fl));
        }
        return new Plan("computed from the latest filter_stats in InfluxDB", step, total,
                costKnown ? params : null, costKnown ? flops : null, layers);
    }

    /** The API's plan when it answers, else the computed one. */
    public static Plan of(RunData run, String apiBase) {
        Plan api = fromApi(apiBase, run.runId);
        return api != null ? api : compute(run);
    }

    static Map<String, Object> asMap(Plan p) {
        return JSON.convertValue(p, Map.class);
    }
}
