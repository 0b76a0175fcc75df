package io.filterwatch.console;

import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.influx.InfluxSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.filterwatch.testing.LocalInfluxDb;

/** The report and the live view, rendered from a real influxd filled with synthetic points in the aggregator's schema. */
class ConsoleIT {

    static LocalInfluxDb influxd;
    static InfluxQueries influx;

    @BeforeAll
    static void fill() {
        influxd = LocalInfluxDb.start();
        influxd.createDatabase(InfluxSchema.DEFAULT_DATABASE);
        SyntheticRun.write(influxd.url(), "adam-l2", true);
        SyntheticRun.write(influxd.url(), "adamw", false);
        influx = new InfluxQueries(influxd.url(), InfluxSchema.DEFAULT_DATABASE, null, null);
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.close();
        }
        if (influxd != null) {
            influxd.close();
        }
    }

    @Test
    void loadsTheRunInLayerOrder() {
        RunHistory run = RunHistory.loadFull(influx, "adam-l2");
        assertThat(run.layerHistory.keySet()).containsExactly("conv1", "conv2", "conv3");
        assertThat(run.layerHistory.get("conv2")).hasSize(10);
        assertThat(run.status()).isEqualTo("FINISHED");
        assertThat(run.lastStep()).isEqualTo(1000);
        assertThat(run.totals()).containsExactly(32, 26, 0, 6, 6, 4, 0);
        assertThat(run.latestFilters.get("conv3")).hasSize(16);
        assertThat(run.alertEpisodes()).hasSize(2);
        assertThat(RunHistory.knownRuns(influx)).containsExactlyInAnyOrder("adam-l2", "adamw");
    }

    @Test
    void reportOfOneRunHasEveryPlotAndThePlan(@TempDir Path dir) throws Exception {
        Path out = ReportCommand.write(influx, List.of("adam-l2"), "http://127.0.0.1:1", dir.resolve("r.html"));
        String html = Files.readString(out);
        // self-contained: Chart.js inlined, no external scripts or styles
        assertThat(html).contains("Chart.js v4.4.7").doesNotContain("<script src").doesNotContain("<link ");
        for (String id : new String[] {"dead-0", "states-0", "sel-0", "dom-0", "alerts-0", "loss-0"}) {
            assertThat(html).contains("<canvas id=\"" + id + "\">");
        }
        assertThat(html).contains("18.8%").contains("of 32 conv filters dead");
        Map<?, ?> data = dataOf(html).get(0);
        assertThat(data.get("runId")).isEqualTo("adam-l2");
        List<?> layers = (List<?>) data.get("layers");
        Map<?, ?> conv2 = (Map<?, ?>) layers.get(1);
        assertThat(conv2.get("name")).isEqualTo("conv2");
        assertThat((List<?>) conv2.get("steps")).hasSize(10);
        assertThat(conv2.get("selBins")).isEqualTo(List.of(0, 0, 0, 2, 0, 0, 0, 0, 0, 6));
        assertThat((List<?>) data.get("alerts")).hasSize(3);
        assertThat(html).contains(AlertRule.LAYER_DEAD_FRACTION.ruleName())
                // the plan comes from the aggregator only; here it does not answer, and the report says so
                .contains("aggregator API http://127.0.0.1:1/runs/adam-l2/pruning-plan did not answer");
    }

    @Test
    void compareReportPutsTwoRunsSideBySide(@TempDir Path dir) throws Exception {
        Path out = ReportCommand.write(influx, List.of("adam-l2", "adamw"), "", dir.resolve("cmp.html"));
        String html = Files.readString(out);
        assertThat(html).contains("<canvas id=\"cmp-dead\">").contains("<canvas id=\"cmp-layers\">")
                .contains("<canvas id=\"dead-1\">").contains("data-runs=\"2\"")
                .contains("FilterWatch report: adam-l2 vs adamw").contains("No alerts fired for this run.")
                .contains("<th>dead in conv2</th><td>6 of 8</td><td>0 of 8</td>");
        assertThat(dataOf(html)).hasSize(2);
        // kept for a look in a browser: target/sample-compare-report.html
        Files.writeString(Path.of("target", "sample-compare-report.html"), html);
    }

    @Test
    void reportTakesThePruningPlanFromTheAggregatorWhenItAnswers(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // the aggregator's PruningPlan as JSON (snapshot-protocol's record)
        byte[] body = ("{\"runId\":\"adam-l2\",\"step\":1000,\"gammaThreshold\":0.001,\"topologyVersion\":1,"
                + "\"removableFilters\":3,\"paramsSaved\":99,\"flopsSaved\":12345,\"headParamsSaved\":0,\"headFlopsSaved\":0,"
                + "\"layers\":[{\"layer\":\"conv2\",\"layerIndex\":1,\"filterCount\":8,\"removable\":[1,2,4],"
                + "\"folds\":[{\"filter\":4,\"into\":[{\"layer\":\"conv3\",\"parameter\":\"bn.runningMean\",\"constant\":0.5}]}],"
                + "\"blocked\":[{\"filter\":6,\"reason\":\"conv2 emits the constant 0.3 into conv3 (3x3, padding 1)\"}],"
                + "\"paramsSaved\":99,\"flopsSaved\":12345}],\"residualGroups\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/runs/adam-l2/pruning-plan", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String api = "http://127.0.0.1:" + server.getAddress().getPort();
            String html = Files.readString(ReportCommand.write(influx, List.of("adam-l2"), api, dir.resolve("api.html")));
            assertThat(html).contains("Source: aggregator API " + api + "/runs/adam-l2/pruning-plan")
                    .contains("<b>3 filters</b> can go, saving 99 parameters and 12,345 multiply-adds")
                    .contains("#4: +0.500 &rarr; conv3").contains("#1 #2 #4")
                    .contains("#6: conv2 emits the constant 0.3 into conv3 (3x3, padding 1)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void watchFrameShowsProgressBarsAndAlerts() {
        RunHistory run = RunHistory.loadLatest(influx, "adam-l2");
        String plain = new WatchFrame(false, 16).render(List.of(run), Map.of("adam-l2", 1000L), SyntheticRun.T0);
        assertThat(plain).doesNotContain("\u001b[");
        assertThat(plain).contains("run adam-l2  FINISHED  step 1000/1000 [####################] 100%")
                .contains("loss 0.900  acc 0.780")
                .contains("settings: optimizer adam  lr 5e-3  L2 1e-3  weight decay 0  batch 64");
        // conv2: 2 alive, 0 dying, 0 silent, 6 dead of 8 -> 4 '=' and 12 'X' in a 16-wide bar
        assertThat(plain).containsPattern("conv2 +8  ====XXXXXXXXXXXX +2 +0 +0 +6 +75\\.0%  6/4");
        assertThat(plain).containsPattern("conv3 +16  ={16} +16 +0 +0 +0 +0\\.0%");
        assertThat(plain).contains("all 32 filters: 26 alive, 0 dying, 0 silent, 6 dead (18.8%)");
        assertThat(plain).contains("alerts: 1 firing, 1 resolved")
                .contains("FIRING   step 600 warning " + AlertRule.LAYER_DEAD_FRACTION.ruleName() + " [conv2]: Layer conv2 of run adam-l2")
                .contains("RESOLVED step 900 warning " + AlertRule.AT_RISK.ruleName() + " [conv2]");

        String ansi = new WatchFrame(true, 16).render(List.of(run), Map.of(), SyntheticRun.T0);
        assertThat(ansi).contains(WatchFrame.GREEN + "\u2588\u2588\u2588\u2588" + WatchFrame.YELLOW + WatchFrame.RED
                + "\u2588".repeat(12) + WatchFrame.RESET);

        String healthy = new WatchFrame(false, 16).render(List.of(RunHistory.loadLatest(influx, "adamw")), Map.of(), SyntheticRun.T0);
        assertThat(healthy).contains("alerts: none").contains("32 alive, 0 dying, 0 silent, 0 dead (0.0%)");
    }

    @Test
    void watchCommandPrintsOnePlainFrameWhenNotATerminal() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ConsoleMain.execute("watch", "--influx-url", influxd.url(), "--run", "adamw", "--once");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("run adamw  FINISHED").contains("all 32 filters: 32 alive, 0 dying, 0 silent, 0 dead (0.0%)")
                .doesNotContain("\u001b[");
    }

    @SuppressWarnings("unchecked")
    static List<Map<?, ?>> dataOf(String html) throws Exception {
        Matcher m = Pattern.compile("const FW_DATA = (.*?);\n").matcher(html);
        assertThat(m.find()).isTrue();
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(m.group(1).replace("<\\/", "</"), List.class);
    }
}
