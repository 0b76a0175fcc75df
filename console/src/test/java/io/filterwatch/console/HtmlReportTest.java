package io.filterwatch.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.console.ReportModel.ComparisonRow;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.PruningPlan;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/** The report's model shaped from runs in memory (no InfluxDB), and the page its templates render from it. */
class HtmlReportTest {

    static final String HOSTILE = "x<script>alert(1)</script>";

    @Test
    void compareReportShowsBothRunsAndEscapesTheirIds() {
        RunHistory collapsing = run(HOSTILE, new long[] {0, 2, 5}, "adam", 1e-3, "FIRING");
        RunHistory healthy = run("healthy", new long[] {0, 0, 0}, "adamw", 0, null);
        PruningPlan plan = new PruningPlan(HOSTILE, 300, 1e-3, 1, null, 5, 1234L, 56789L, 0L, 0L,
                List.of(new PruningPlan.LayerPlan("conv1", 0, 8, null, List.of(0, 1, 2, 3, 4), List.of(), List.of(), 1234L, 56789L)),
                List.of());
        ReportModel model = ReportModelBuilder.build(List.of(
                new ReportModelBuilder.RunInput(collapsing, new PruningPlans.Plan("aggregator API test", plan)),
                new ReportModelBuilder.RunInput(healthy, new PruningPlans.Plan("no aggregator API given (--api): no pruning plan", null))),
                0L);

        // the model: numbers as the page prints them
        assertThat(model.title()).isEqualTo("FilterWatch report: " + HOSTILE + " vs healthy");
        assertThat(model.generatedAt()).isEqualTo("1970-01-01 00:00:00 UTC");
        assertThat(model.compare()).isTrue();
        ReportModel.RunSection first = model.runs().get(0);
        assertThat(first.headline().deadShare()).isEqualTo("62.5%");
        assertThat(first.headline().severity()).isEqualTo("bad");
        assertThat(model.runs().get(1).headline().severity()).isEqualTo("good");
        assertThat(first.facts()).contains(new ReportModel.Fact("first dead filter", "step 200"), new ReportModel.Fact("L2", "1e-3"));
        assertThat(first.alerts()).singleElement().satisfies(a -> assertThat(a.firing()).isTrue());
        assertThat(model.comparison().rows()).contains(new ComparisonRow("dead filters", List.of("5 of 8", "0 of 8")),
                new ComparisonRow("optimizer", List.of("adam", "adamw")), new ComparisonRow("dead in conv1", List.of("5 of 8", "0 of 8")));
        assertThat(first.charts().layers().get(0).deadFraction()).containsExactly(0.0, 0.25, 0.625);
        assertThat(first.plan().paramsSaved()).isEqualTo("1,234");

        String html = HtmlReport.render(model);
        assertThat(html).contains("<canvas id=\"cmp-dead\">", "<canvas id=\"cmp-layers\">", "<canvas id=\"dead-0\">",
                        "<canvas id=\"loss-1\">", "data-runs=\"2\"")
                .contains(">62.5%</div>", "of 8 conv filters dead (5: 5 by the activation test, 3 by the scale test)")
                .contains("<th>dead in conv1</th><td>5 of 8</td><td>0 of 8</td>")
                .contains("<b>5 filters</b> can go, saving 1,234 parameters and 56,789 multiply-adds per sample", "#0 #1 #2 #3 #4")
                .contains("No alerts fired for this run.", "no aggregator API given (--api): no pruning plan")
                .contains("Chart.js v4.4.7").doesNotContain("<script src").doesNotContain("<link ")
                .contains("<section class=\"cards cols2\">", "<section class=\"grid cols2\">", "from InfluxDB (database filterwatch).");
        // the hostile id is text everywhere: escaped in the page, and cannot end the data script early
        assertThat(html).doesNotContain(HOSTILE)
                .contains("<title>FilterWatch report: x&lt;script&gt;alert(1)&lt;/script&gt; vs healthy</title>")
                .contains("run <code>x&lt;script&gt;alert(1)&lt;/script&gt;</code>")
                .contains("<h3>x&lt;script&gt;alert(1)&lt;/script&gt;: Dead fraction per layer over steps</h3>")
                .contains("\"runId\":\"x<script>alert(1)<\\/script>\"");
        assertThat(html.split("</script>", -1)).hasSize(3); // Chart.js and the report's script, nothing else
        assertThat(html.split("<script>\n", -1)).hasSize(3);
    }

    @Test
    void oneRunHasNoComparison() {
        ReportModel model = ReportModelBuilder.build(List.of(new ReportModelBuilder.RunInput(run("solo", new long[] {0}, "sgd", 0, null),
                new PruningPlans.Plan("none", null))), 0L);
        assertThat(model.comparison()).isNull();
        String html = HtmlReport.render(model);
        assertThat(html).contains("<h2>Filters</h2>", "<h3>Dead fraction per layer over steps</h3>", "data-runs=\"1\"")
                .doesNotContain("Side by side").doesNotContain("<canvas id=\"cmp-dead\">");
    }

    @Test
    void threeRunsSideBySideGeneraliseTheComparison() {
        List<ReportModelBuilder.RunInput> in = List.of(
                new ReportModelBuilder.RunInput(run("a", new long[] {0, 1}, "adam", 1e-3, null), new PruningPlans.Plan("none", null)),
                new ReportModelBuilder.RunInput(run("b", new long[] {0, 0}, "adamw", 0, null), new PruningPlans.Plan("none", null)),
                new ReportModelBuilder.RunInput(run("c", new long[] {2, 4}, "sgd", 1e-3, "FIRING"), new PruningPlans.Plan("none", null)));
        ReportModel model = ReportModelBuilder.build(in, 0L, "a test", List.of(new ComparisonRow("test accuracy", List.of("0.9", "0.8", "0.7"))));
        assertThat(model.title()).isEqualTo("FilterWatch report: 3 runs side by side");
        assertThat(model.columns()).isEqualTo("colsn");
        assertThat(model.comparison().runIds()).containsExactly("a", "b", "c");
        assertThat(model.comparison().rows()).contains(new ComparisonRow("dead filters", List.of("1 of 8", "0 of 8", "4 of 8")),
                new ComparisonRow("optimizer", List.of("adam", "adamw", "sgd")), new ComparisonRow("test accuracy", List.of("0.9", "0.8", "0.7")));
        // the caller's rows come after the outcome, before the layers
        List<String> labels = model.comparison().rows().stream().map(ComparisonRow::label).toList();
        assertThat(labels.indexOf("test accuracy")).isGreaterThan(labels.indexOf("alerts")).isLessThan(labels.indexOf("dead in conv1"));
        String html = HtmlReport.render(model);
        assertThat(html).contains("data-runs=\"3\"", "<canvas id=\"cmp-dead\">", "<canvas id=\"cmp-layers\">", "<canvas id=\"dead-2\">",
                        "<canvas id=\"loss-2\">", "<section class=\"cards colsn\">", "<section class=\"grid colsn\">", "from a test.")
                .contains("<th></th><th>a</th><th>b</th><th>c</th>", "<th>dead in conv1</th><td>1 of 8</td><td>0 of 8</td><td>4 of 8</td>");
        assertThat(ReportModelBuilder.build(in.subList(0, 2), 0L).columns()).isEqualTo("cols2");
    }

    /** One layer conv1 of 8 filters at steps 100, 200, ...: {@code dead[i]} dead at step 100 (i + 1); an alert if {@code alert}. */
    static RunHistory run(String id, long[] dead, String optimizer, double l2, String alert) {
        List<Row> layer = new ArrayList<>();
        for (int i = 0; i < dead.length; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("time", (double) (i + 1) * 1000);
            r.put(Tags.LAYER.name(), "conv1");
            r.put(Tags.OPTIMIZER.name(), optimizer);
            r.put(Fields.STEP.name(), (double) (i + 1) * 100);
            r.put(Fields.LAYER_INDEX.name(), 0.0);
            r.put(Fields.FILTER_COUNT.name(), 8.0);
            r.put(Fields.ALIVE.name(), (double) (8 - dead[i]));
            r.put(Fields.DEAD.name(), (double) dead[i]);
            r.put(Fields.DEAD_BY_ACTIVATION.name(), (double) dead[i]);
            r.put(Fields.DEAD_BY_SCALE.name(), (double) Math.max(0, dead[i] - 2));
            r.put(Fields.DEAD_FRACTION.name(), dead[i] / 8.0);
            r.put(Fields.MEDIAN_GAMMA_DOMINANCE.name(), 0.5);
            r.put(Fields.LEARNING_RATE.name(), 5e-3);
            r.put(Fields.L2.name(), l2);
            r.put(Fields.selectivityBin(LayerStat.SELECTIVITY_BINS - 1).name(), (double) dead[i]); // the most selective bin
            layer.add(Row.of(r));
        }
        long last = dead.length * 100L;
        List<Row> events = List.of(Row.of(Map.of(Tags.TYPE.name(), "FINISHED", Fields.STEP.name(), (double) last, Fields.EPOCH.name(), 1.0,
                Fields.LOSS.name(), 0.5, Fields.ACCURACY.name(), 0.8)));
        List<Row> alerts = alert == null ? List.of() : List.of(Row.of(Map.of(Fields.ID.name(), "a1", Tags.RULE.name(), "layer-dead-fraction", Tags.LAYER.name(), "conv1",
                Tags.SEVERITY.name(), "WARNING", Fields.STATUS.name(), alert, Fields.STEP.name(), 200.0, Fields.SUMMARY.name(), "conv1 <b>dying</b>")));
        return new RunHistory(id, Map.of("conv1", layer), List.of(), events, alerts, Map.of());
    }
}
