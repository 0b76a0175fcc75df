package io.filterwatch.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.protocol.PruningPlan;

/**
 * One self-contained HTML file for one run, or two runs side by side: dead fraction per layer over
 * steps, alive/dying/dead per layer, selectivity histograms, regularisation dominance over steps, loss
 * and accuracy, the alert timeline and the pruning plan. The plots are drawn by Chart.js, inlined, so
 * the file renders offline; every canvas gets {@code data-rendered="true"} and {@code data-points}
 * once its chart is drawn.
 */
public final class HtmlReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** One run and its pruning plan. */
    public record Input(RunHistory run, PruningPlans.Plan plan) {
    }

    private HtmlReport() {
    }

    public static String render(List<Input> inputs, long generatedAtMillis) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException("a report shows one run or two side by side, got " + inputs.size());
        }
        boolean compare = inputs.size() == 2;
        StringBuilder h = new StringBuilder(300_000);
        String title = "FilterWatch report: " + String.join(" vs ", inputs.stream().map(i -> i.run().runId).toList());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n")
                .append(CSS).append("</style>\n</head>\n<body data-runs=\"").append(inputs.size()).append("\">\n");
        h.append("<header><h1>").append(esc(title)).append("</h1><p class=\"meta\">Generated ")
                .append(TS.format(Instant.ofEpochMilli(generatedAtMillis)))
                .append(" from InfluxDB (database <code>filterwatch</code>). A filter is <b>dead</b> when its response after BN+ReLU "
                        + "is below 1e-12 on every sample of the window (activation test) or |&gamma;| &lt; 1e-3 (scale test); "
                        + "Mehta, Kim, Theobalt, CVPR 2019.</p></header>\n");

        // headline cards
        h.append("<section class=\"cards cols").append(inputs.size()).append("\">\n");
        for (int i = 0; i < inputs.size(); i++) {
            headline(h, inputs.get(i), i);
        }
        h.append("</section>\n");

        if (compare) {
            h.append("<h2>Side by side</h2>\n<section class=\"grid cols2\">\n");
            h.append(card("cmp-dead", "Dead filters over training, whole network",
                    "Share of all conv filters that are dead, per run.", ""));
            h.append(card("cmp-layers", "Dead filters per layer at the end",
                    "Latest dead fraction of each layer, per run (the paper's tables compare settings this way).", ""));
            h.append("</section>\n");
            h.append("<section class=\"cards cols1\"><div class=\"card\">").append(compareTable(inputs)).append("</div></section>\n");
        }

        String cols = "cols2";
        h.append("<h2>").append(compare ? "Per run" : "Filters").append("</h2>\n<section class=\"grid ").append(cols).append("\">\n");
        String[][] kinds = {
            {"dead", "Dead fraction per layer over steps", "Dead filters / filters of the layer (either test); dashed black: whole network."},
            {"states", "Alive, dying, dead per layer (latest)", "Dying: the regulariser dominates BN &gamma; and &gamma; or activity shrank for several snapshots."},
            {"sel", "Selectivity histograms (latest)", "Selectivity = share of samples on which the filter is off (&lt; 1e-3 of its max). "
                    + "Bars: share of the layer's filters per selectivity bin. Selective filters (right) are the ones that die."},
            {"dom", "Regularisation dominance on BN &gamma; (median per layer)", "Regulariser's pull &lambda;|&gamma;| over the loss gradient |dL/d&gamma;|; "
                    + "above the dashed line (1) the regulariser wins and shrinks the filter. Log scale."},
            {"alerts", "Alert timeline", "Each mark is an alert transition: filled = firing, hollow = resolved."},
            {"loss", "Loss and accuracy per epoch", "From the trainer's EPOCH_END / FINISHED events."},
        };
        for (String[] k : kinds) {
            for (int i = 0; i < inputs.size(); i++) {
                String prefix = compare ? esc(inputs.get(i).run().runId) + ": " : "";
                h.append(card(k[0] + "-" + i, prefix + k[1], k[2], "run" + i));
            }
        }
        h.append("</section>\n");

        h.append("<h2>Alerts</h2>\n<section class=\"cards cols").append(inputs.size()).append("\">\n");
        for (Input in : inputs) {
            h.append("<div class=\"card\"><h3>").append(esc(in.run().runId)).append("</h3>").append(alertTable(in.run())).append("</div>\n");
        }
        h.append("</section>\n");

        h.append("<h2>Pruning plan</h2>\n<section class=\"cards cols").append(inputs.size()).append("\">\n");
        for (Input in : inputs) {
            h.append("<div class=\"card\"><h3>").append(esc(in.run().runId)).append("</h3>").append(planTable(in.plan())).append("</div>\n");
        }
        h.append("</section>\n");

        List<Map<String, Object>> data = new ArrayList<>();
        for (Input in : inputs) {
            data.add(data(in.run()));
        }
        h.append("<footer>FilterWatch console, charts by Chart.js ").append(esc(chartJsVersion())).append(" (inlined).</footer>\n");
        h.append("<script>\n").append(chartJs()).append("\n</script>\n");
        h.append("<script>\nconst FW_DATA = ").append(json(data)).append(";\n").append(JS).append("\n</script>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void headline(StringBuilder h, Input in, int i) {
        RunHistory run = in.run();
        long[] t = run.totals();
        double frac = t[0] == 0 ? 0 : t[3] / (double) t[0];
        long firing = run.alertEpisodes().stream().filter(a -> "FIRING".equals(a.str("status"))).count();
        h.append("<div class=\"card headline\" id=\"summary-").append(i).append("\"><h3>run <code>").append(esc(run.runId))
                .append("</code> <span class=\"status s-").append(esc(run.status().toLowerCase(Locale.ROOT))).append("\">")
                .append(esc(run.status())).append("</span></h3>\n");
        h.append("<div class=\"big ").append(frac >= 0.3 ? "bad" : frac > 0 ? "warn" : "good").append("\">")
                .append(NumberFormats.pct(frac)).append("</div><div class=\"bigcap\">of ").append(t[0]).append(" conv filters dead (")
                .append(t[3]).append(": ").append(t[4]).append(" by the activation test, ").append(t[5]).append(" by the scale test); ")
                .append(t[2]).append(" dying</div>\n<table class=\"kv\">");
        kv(h, "last step", Long.toString(run.lastStep()));
        run.lastEvent().ifPresent(e -> kv(h, "epoch", Long.toString(e.lng("epoch"))));
        run.lastEventWithLoss().ifPresent(e -> {
            kv(h, "loss", NumberFormats.f(e.num("loss"), 4));
            if (e.has("accuracy")) {
                kv(h, "accuracy", NumberFormats.f(e.num("accuracy"), 4));
            }
        });
        run.settings().forEach((k, v) -> kv(h, k, v));
        kv(h, "alerts", run.alertEpisodes().size() + " (" + firing + " firing)");
        firstDeath(run).ifPresent(s -> kv(h, "first dead filter", "step " + s));
        h.append("</table></div>\n");
    }

    static java.util.Optional<Long> firstDeath(RunHistory run) {
        long first = Long.MAX_VALUE;
        for (List<Row> rows : run.layerHistory.values()) {
            for (Row r : rows) {
                if (r.lng("dead") > 0) {
                    first = Math.min(first, r.lng("step"));
                    break;
                }
            }
        }
        return first == Long.MAX_VALUE ? java.util.Optional.empty() : java.util.Optional.of(first);
    }

    private static void kv(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String card(String id, String title, String caption, String cls) {
        return "<div class=\"card chart " + cls + "\"><h3>" + title + "</h3><div class=\"cv\"><canvas id=\"" + id
                + "\"></canvas></div><p class=\"cap\">" + caption + "</p></div>\n";
    }

    private static String compareTable(List<Input> inputs) {
        StringBuilder b = new StringBuilder("<h3>Settings and outcome</h3><table class=\"tbl\"><thead><tr><th></th>");
        for (Input in : inputs) {
            b.append("<th>").append(esc(in.run().runId)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        Set<String> keys = new LinkedHashSet<>();
        inputs.forEach(in -> keys.addAll(in.run().settings().keySet()));
        for (String k : keys) {
            b.append("<tr><th>").append(esc(k)).append("</th>");
            for (Input in : inputs) {
                b.append("<td>").append(esc(in.run().settings().getOrDefault(k, "-"))).append("</td>");
            }
            b.append("</tr>");
        }
        String[] rows = {"steps", "dead filters", "dead fraction", "first dead filter", "alerts"};
        for (String r : rows) {
            b.append("<tr><th>").append(r).append("</th>");
            for (Input in : inputs) {
                RunHistory run = in.run();
                long[] t = run.totals();
                String v = switch (r) {
                    case "steps" -> Long.toString(run.lastStep());
                    case "dead filters" -> t[3] + " of " + t[0];
                    case "dead fraction" -> NumberFormats.pct(t[0] == 0 ? 0 : t[3] / (double) t[0]);
                    case "first dead filter" -> firstDeath(run).map(s -> "step " + s).orElse("none");
                    default -> Integer.toString(run.alertEpisodes().size());
                };
                b.append("<td>").append(esc(v)).append("</td>");
            }
            b.append("</tr>");
        }
        // per layer dead counts, like the paper's tables
        Set<String> layers = new LinkedHashSet<>();
        inputs.forEach(in -> layers.addAll(in.run().layerHistory.keySet()));
        for (String l : layers) {
            b.append("<tr><th>dead in ").append(esc(l)).append("</th>");
            for (Input in : inputs) {
                List<Row> h = in.run().layerHistory.get(l);
                String v = h == null || h.isEmpty() ? "-" : h.get(h.size() - 1).lng("dead") + " of " + h.get(h.size() - 1).lng("filter_count");
                b.append("<td>").append(esc(v)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static String alertTable(RunHistory run) {
        List<Row> episodes = run.alertEpisodes();
        if (episodes.isEmpty()) {
            return "<p class=\"none\">No alerts fired for this run.</p>";
        }
        Map<String, Long> firstFiring = new LinkedHashMap<>();
        for (Row a : run.alerts) {
            String key = key(a);
            if ("FIRING".equals(a.str("status"))) {
                firstFiring.putIfAbsent(key, a.lng("step"));
            }
        }
        StringBuilder b = new StringBuilder("<table class=\"tbl alerts\"><thead><tr><th>since step</th><th>status</th><th>severity</th>"
                + "<th>rule</th><th>layer</th><th>summary</th></tr></thead><tbody>");
        for (Row a : episodes) {
            String status = a.str("status");
            b.append("<tr class=\"").append("FIRING".equals(status) ? "firing" : "resolved").append("\"><td>")
                    .append(firstFiring.getOrDefault(key(a), a.lng("step")))
                    .append("FIRING".equals(status) ? "" : " &rarr; " + a.lng("step"))
                    .append("</td><td>").append(esc(status)).append("</td><td>").append(esc(a.str("severity")))
                    .append("</td><td>").append(esc(a.str("rule"))).append("</td><td>").append(esc(a.str("layer")))
                    .append("</td><td>").append(esc(a.str("summary") == null ? "" : a.str("summary"))).append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static String key(Row a) {
        return a.str("id") == null || a.str("id").isEmpty() ? a.str("rule") + "/" + a.str("layer") : a.str("id");
    }

    private static String planTable(PruningPlans.Plan fetched) {
        StringBuilder b = new StringBuilder();
        PruningPlan plan = fetched.plan();
        b.append("<p class=\"cap\">Source: ").append(esc(fetched.source()));
        if (plan == null) {
            return b.append(".</p>").toString();
        }
        b.append(plan.step() > 0 ? ", step " + plan.step() : "").append(". <b>").append(plan.removableFilters())
                .append(" filters</b> can go");
        if (plan.paramsSaved() != null) {
            b.append(", saving ").append(NumberFormats.thousands(plan.paramsSaved())).append(" parameters and ")
                    .append(NumberFormats.thousands(plan.flopsSaved() == null ? 0 : plan.flopsSaved())).append(" multiply-adds per sample");
        }
        b.append(".");
        if (plan.note() != null) {
            b.append(" ").append(esc(plan.note())).append(".");
        }
        b.append("</p>");
        b.append("<table class=\"tbl plan\"><thead><tr><th>layer</th><th>filters</th><th>remove</th><th>constants folded into ")
                .append("consumers</th><th>kept (why)</th><th>params saved</th><th>MACs saved</th></tr></thead><tbody>");
        for (PruningPlan.LayerPlan l : plan.layers()) {
            b.append("<tr><td>").append(esc(l.layer()));
            if (l.residualGroup() != null) {
                b.append("<div class=\"ids\">residual ").append(esc(l.residualGroup())).append("</div>");
            }
            b.append("</td><td>").append(l.filterCount()).append("</td><td>")
                    .append(l.removable().size()).append(ids(l.removable())).append("</td><td>").append(l.folds().size())
                    .append(folds(l.folds())).append("</td><td>").append(l.blocked().size());
            if (!l.blocked().isEmpty()) {
                b.append("<div class=\"ids\">");
                int n = 0;
                for (PruningPlan.Blocked k : l.blocked()) {
                    if (n++ == 3) {
                        b.append(" &hellip;");
                        break;
                    }
                    b.append("#").append(k.filter()).append(": ").append(esc(k.reason())).append(". ");
                }
                b.append("</div>");
            }
            b.append("</td><td>").append(l.paramsSaved() == null ? "?" : NumberFormats.thousands(l.paramsSaved())).append("</td><td>")
                    .append(l.flopsSaved() == null ? "?" : NumberFormats.thousands(l.flopsSaved())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        for (PruningPlan.ResidualGroup g : plan.residualGroups()) {
            b.append("<p class=\"cap\">Residual ").append(esc(g.name())).append(" (").append(esc(String.join(", ", g.members())))
                    .append("): channels go together; ").append(g.removable().size()).append(" removable")
                    .append(ids(g.removable())).append(folds(g.folds())).append(", ").append(g.blocked().size())
                    .append(" kept.</p>");
        }
        return b.toString();
    }

    /** #filter: +constant into layer, for the first dozen folds. */
    private static String folds(List<PruningPlan.Fold> folds) {
        if (folds.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=\"ids\">");
        int n = 0;
        for (PruningPlan.Fold f : folds) {
            for (PruningPlan.FoldTarget t : f.into()) {
                if (n++ == 12) {
                    return b.append(" &hellip;</div>").toString();
                }
                b.append("#").append(f.filter()).append(": +").append(NumberFormats.sci(t.constant())).append(" &rarr; ")
                        .append(esc(t.layer())).append(" ");
            }
        }
        return b.append("</div>").toString();
    }

    private static String ids(List<Integer> ids) {
        if (ids.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=\"ids\">");
        for (int i = 0; i < ids.size(); i++) {
            if (i == 24) {
                b.append("&hellip;");
                break;
            }
            b.append('#').append(ids.get(i)).append(' ');
        }
        return b.append("</div>").toString();
    }

    /** The chart data of one run, as the page's script reads it. */
    static Map<String, Object> data(RunHistory run) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runId", run.runId);
        d.put("status", run.status());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : run.layerHistory.entrySet()) {
            List<Row> rows = e.getValue();
            Row last = rows.get(rows.size() - 1);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", e.getKey());
            l.put("index", last.integer("layer_index"));
            l.put("filters", last.lng("filter_count"));
            l.put("alive", last.lng("alive") + last.lng("revived"));
            l.put("dying", last.lng("dying"));
            l.put("silent", last.lng("silent"));
            l.put("dead", last.lng("dead"));
            l.put("steps", rows.stream().map(r -> r.lng("step")).toList());
            l.put("deadFraction", rows.stream().map(r -> val(r, "dead_fraction")).toList());
            l.put("gammaDominance", rows.stream().map(r -> positive(r, "median_gamma_dominance")).toList());
            l.put("betaDominance", rows.stream().map(r -> positive(r, "median_beta_dominance")).toList());
            List<Long> bins = new ArrayList<>();
            for (int b = 0; b < 10; b++) {
                bins.add(last.lng("sel_bin_" + b));
            }
            l.put("selBins", bins);
            layers.add(l);
        }
        d.put("layers", layers);
        d.put("runSteps", run.runStats.stream().map(r -> r.lng("step")).toList());
        d.put("runDeadFraction", run.runStats.stream().map(r -> val(r, "dead_fraction")).toList());
        Map<Long, Map<String, Object>> epochs = new java.util.TreeMap<>(); // one point per step (EPOCH_END and FINISHED may share one)
        for (Row e : run.events) {
            if (e.has("loss") && ("EPOCH_END".equals(e.str("type")) || "FINISHED".equals(e.str("type")))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", e.lng("step"));
                m.put("epoch", e.lng("epoch"));
                m.put("loss", val(e, "loss"));
                m.put("accuracy", val(e, "accuracy"));
                epochs.putIfAbsent(e.lng("step"), m);
            }
        }
        d.put("epochs", new ArrayList<>(epochs.values()));
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Row a : run.alerts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", a.lng("step"));
            m.put("rule", a.str("rule") + ("-".equals(a.str("layer")) || a.str("layer") == null ? "" : " " + a.str("layer")));
            m.put("severity", a.str("severity"));
            m.put("status", a.str("status"));
            m.put("summary", a.str("summary"));
            alerts.add(m);
        }
        d.put("alerts", alerts);
        return d;
    }

    private static Double val(Row r, String k) {
        double v = r.num(k);
        return Double.isFinite(v) ? v : null;
    }

    private static Double positive(Row r, String k) {
        double v = r.num(k);
        return Double.isFinite(v) && v > 0 ? v : null;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o).replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String chartJsVersion() {
        Properties p = new Properties();
        try (InputStream in = HtmlReport.class.getResourceAsStream("/console.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through
        }
        return p.getProperty("chartjs.version", "4.4.7");
    }

    static String chartJs() {
        String path = "/META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js";
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Chart.js not on the classpath: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static final String CSS = """
            :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#5b6475; --line:#e2e5ea; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 18px 24px 40px; background: var(--bg); color: var(--ink);
                   font: 14px/1.4 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 22px 0 8px; }
            h3 { font-size: 14px; margin: 0 0 8px; }
            .meta, .cap, footer { color: var(--muted); font-size: 12px; }
            .cap { margin: 6px 0 0; }
            code { font-size: 13px; }
            .cards, .grid { display: grid; gap: 14px; }
            .cols1 { grid-template-columns: 1fr; } .cols2 { grid-template-columns: 1fr 1fr; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; overflow-x: auto; }
            .cv { position: relative; height: 270px; }
            .big { font-size: 40px; font-weight: 700; line-height: 1.1; }
            .big.good { color: #1a7f37; } .big.warn { color: #b35900; } .big.bad { color: #c62828; }
            .bigcap { color: var(--muted); margin-bottom: 8px; }
            .status { font-size: 11px; padding: 2px 7px; border-radius: 10px; background: #e8eaf0; vertical-align: middle; }
            .s-finished { background: #d6f0dc; color: #1a7f37; } .s-failed { background: #fde0e0; color: #c62828; }
            .s-running { background: #dbe9ff; color: #1d4ed8; }
            table.kv th { text-align: left; color: var(--muted); font-weight: normal; padding: 1px 14px 1px 0; }
            table.tbl { border-collapse: collapse; width: 100%; font-size: 12.5px; }
            table.tbl th, table.tbl td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
            table.tbl thead th { background: #f0f2f5; }
            tr.firing td:nth-child(2) { color: #c62828; font-weight: 600; } tr.resolved td:nth-child(2) { color: #1a7f37; }
            .ids { color: var(--muted); font-size: 11px; max-width: 420px; }
            .none { color: #1a7f37; font-weight: 600; }
            footer { margin-top: 24px; }
            @media (max-width: 900px) { .cols2 { grid-template-columns: 1fr; } }
            """;

    private static final String JS = """
            (function () {
              const PALETTE = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
              const colour = i => PALETTE[i % PALETTE.length];
              Chart.defaults.animation = false;
              Chart.defaults.responsive = true;
              Chart.defaults.maintainAspectRatio = false;
              Chart.defaults.font.size = 11;
              Chart.defaults.plugins.legend.labels.boxWidth = 12;
              let drawn = 0;
              function make(id, cfg) {
                const el = document.getElementById(id);
                if (!el) return null;
                const chart = new Chart(el, cfg);
                let n = 0;
                chart.data.datasets.forEach(d => d.data.forEach(v => {
                  if (v !== null && v !== undefined && !(typeof v === 'object' && (v.y === null || v.y === undefined))) n++;
                }));
                el.dataset.rendered = 'true';
                el.dataset.points = String(n);
                el.dataset.datasets = String(chart.data.datasets.length);
                drawn++;
                return chart;
              }
              function empty(id, text) {
                const el = document.getElementById(id);
                if (!el) return;
                const p = document.createElement('p');
                p.className = 'none';
                p.textContent = text;
                el.parentNode.replaceWith(p);
              }
              const xy = (xs, ys, f) => xs.map((x, i) => ({x: x, y: ys[i] === null || ys[i] === undefined ? null : f(ys[i])}));
              const pct = v => 100 * v;
              const stepAxis = {type: 'linear', title: {display: true, text: 'training step'}};

              FW_DATA.forEach((run, r) => {
                const layers = run.layers;
                // 1. dead fraction per layer over steps
                const dead = layers.map((l, i) => ({label: l.name, data: xy(l.steps, l.deadFraction, pct), borderColor: colour(i),
                  backgroundColor: colour(i), pointRadius: 0, borderWidth: 2, spanGaps: true}));
                if (run.runSteps.length) dead.push({label: 'whole network', data: xy(run.runSteps, run.runDeadFraction, pct),
                  borderColor: '#000', borderDash: [6, 4], pointRadius: 0, borderWidth: 2, spanGaps: true});
                if (layers.length) make('dead-' + r, {type: 'line', data: {datasets: dead}, options: {parsing: true,
                  scales: {x: stepAxis, y: {min: 0, max: 100, title: {display: true, text: 'dead filters (%)'}}}}});
                else empty('dead-' + r, 'No layer statistics yet.');
                // 2. alive / dying / dead per layer (latest)
                if (layers.length) make('states-' + r, {type: 'bar', data: {labels: layers.map(l => l.name), datasets: [
                    {label: 'alive', data: layers.map(l => l.alive), backgroundColor: '#2ca02c'},
                    {label: 'dying', data: layers.map(l => l.dying), backgroundColor: '#ff9f1c'},
                    {label: 'dead', data: layers.map(l => l.dead), backgroundColor: '#d62728'}]},
                  options: {indexAxis: 'y', scales: {x: {stacked: true, title: {display: true, text: 'filters'}}, y: {stacked: true}}}});
                else empty('states-' + r, 'No layer statistics yet.');
                // 3. selectivity histograms
                const binLabels = [...Array(10).keys()].map(b => (b * 10) + '-' + (b * 10 + 10) + '%');
                if (layers.length) make('sel-' + r, {type: 'bar', data: {labels: binLabels, datasets: layers.map((l, i) => {
                    const total = l.selBins.reduce((a, b) => a + b, 0) || 1;
                    return {label: l.name, data: l.selBins.map(c => 100 * c / total), backgroundColor: colour(i)};
                  })}, options: {scales: {x: {title: {display: true, text: 'selectivity (share of samples the filter is off)'}},
                    y: {min: 0, title: {display: true, text: 'filters of the layer (%)'}}}}});
                else empty('sel-' + r, 'No layer statistics yet.');
                // 4. regularisation dominance
                const dom = layers.map((l, i) => ({label: l.name, data: xy(l.steps, l.gammaDominance, v => v), borderColor: colour(i),
                  backgroundColor: colour(i), pointRadius: 0, borderWidth: 2, spanGaps: true}));
                const allSteps = layers.flatMap(l => l.steps);
                if (allSteps.length) dom.push({label: '1 = regulariser equals loss gradient', data: [{x: Math.min(...allSteps), y: 1},
                  {x: Math.max(...allSteps), y: 1}], borderColor: '#555', borderDash: [4, 4], pointRadius: 0, borderWidth: 1});
                if (layers.some(l => l.gammaDominance.some(v => v !== null))) make('dom-' + r, {type: 'line', data: {datasets: dom},
                  options: {scales: {x: stepAxis, y: {type: 'logarithmic', title: {display: true, text: 'median \\u03bb|\\u03b3| / |dL/d\\u03b3|'}}}}});
                else empty('dom-' + r, 'No regularisation: no dominance to show (or not measured yet).');
                // 5. alert timeline
                if (run.alerts.length) {
                  const rules = [...new Set(run.alerts.map(a => a.rule))];
                  const sevColour = a => a.severity === 'CRITICAL' ? '#d62728' : a.severity === 'WARNING' ? '#ff9f1c' : '#1f77b4';
                  const mk = (status, filled) => ({label: status.toLowerCase(), data: run.alerts.filter(a => a.status === status)
                      .map(a => ({x: a.step, y: a.rule, summary: a.summary})), pointRadius: 7, pointStyle: filled ? 'circle' : 'rectRot',
                    backgroundColor: run.alerts.filter(a => a.status === status).map(a => filled ? sevColour(a) : '#fff'),
                    borderColor: run.alerts.filter(a => a.status === status).map(a => filled ? sevColour(a) : '#1a7f37'), borderWidth: 2});
                  make('alerts-' + r, {type: 'scatter', data: {datasets: [mk('FIRING', true), mk('RESOLVED', false)]},
                    options: {scales: {x: stepAxis, y: {type: 'category', labels: rules, offset: true}},
                      plugins: {tooltip: {callbacks: {label: c => 'step ' + c.raw.x + ': ' + (c.raw.summary || c.raw.y)}}}}});
                } else empty('alerts-' + r, 'No alerts fired.');
                // 6. loss / accuracy
                if (run.epochs.length) make('loss-' + r, {type: 'line', data: {datasets: [
                    {label: 'loss', data: run.epochs.map(e => ({x: e.step, y: e.loss})), borderColor: '#1f77b4', backgroundColor: '#1f77b4', yAxisID: 'y'},
                    {label: 'accuracy', data: run.epochs.map(e => ({x: e.step, y: e.accuracy})), borderColor: '#2ca02c', backgroundColor: '#2ca02c', yAxisID: 'y1'}]},
                  options: {scales: {x: stepAxis, y: {position: 'left', title: {display: true, text: 'loss'}},
                    y1: {position: 'right', min: 0, max: 1, grid: {drawOnChartArea: false}, title: {display: true, text: 'accuracy'}}}}});
                else empty('loss-' + r, 'No epoch has ended yet.');
              });

              if (FW_DATA.length === 2) {
                make('cmp-dead', {type: 'line', data: {datasets: FW_DATA.map((run, i) => ({label: run.runId,
                  data: xy(run.runSteps, run.runDeadFraction, pct), borderColor: colour(i * 3), backgroundColor: colour(i * 3),
                  pointRadius: 0, borderWidth: 2, spanGaps: true}))},
                  options: {scales: {x: stepAxis, y: {min: 0, title: {display: true, text: 'dead filters (%)'}}}}});
                const names = [...new Set(FW_DATA.flatMap(run => run.layers.map(l => l.name)))];
                make('cmp-layers', {type: 'bar', data: {labels: names, datasets: FW_DATA.map((run, i) => ({label: run.runId,
                  data: names.map(n => { const l = run.layers.find(x => x.name === n); return l ? 100 * l.dead / Math.max(1, l.filters) : null; }),
                  backgroundColor: colour(i * 3)}))}, options: {scales: {y: {min: 0, title: {display: true, text: 'dead filters (%)'}}}}});
              }
              document.body.dataset.charts = String(drawn);
            })();
            """;
}
