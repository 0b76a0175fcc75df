package io.filterwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.console.InfluxQueries;
import io.filterwatch.console.ReportCommand;
import io.filterwatch.deploy.DashboardQueries;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.data.Datasets;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;

/**
 * The whole pipeline, as shipped: a real Kafka broker (EmbeddedKafka) and a real influxd (LocalInfluxDb) on
 * loopback; the packaged probe, aggregator and trainer jars as child processes bound to 127.0.0.1; two real
 * training runs at once, one set up to collapse (Adam, lr 5e-3, coupled L2) and one without regularisation.
 * Then: the collapse alert and when it fired, the healthy run's silence, the dead counts of the API and of
 * InfluxDB against a ground truth computed here from the trained model, and the console's report in
 * headless Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineE2EIT {

    // --- the runs (override with -Dfw.e2e.*) ---
    static final long STEPS = Long.getLong("fw.e2e.steps", 800);
    static final int BATCH = Integer.getInteger("fw.e2e.batch", 64);
    static final int SAMPLES = Integer.getInteger("fw.e2e.samples", 1024);
    static final String DATASET = System.getProperty("fw.e2e.dataset", "fashion_mnist");
    /** Conv widths of the small BasicNet: half of science.md's 32-32-64-64-128, to keep the test short on 2 cores. */
    static final List<Integer> WIDTHS = java.util.Arrays.stream(System.getProperty("fw.e2e.widths", "16,16,32,32,64").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
    static final String LR = System.getProperty("fw.e2e.lr", "1e-2");
    static final String L2 = System.getProperty("fw.e2e.l2", "5e-3");
    static final long SEED = Long.getLong("fw.e2e.seed", 42);
    /** The ground truth runs the trained model over this many training samples (the first ones, in order). */
    static final int TRUTH_SAMPLES = Integer.getInteger("fw.e2e.truth-samples", 12_800);
    static final int SNAPSHOT_INTERVAL = 50;
    /** The probe's activation-test window in samples (the service's default is 50,000 or one epoch). */
    static final int WINDOW = Integer.getInteger("fw.e2e.window", 6400);
    /** A collapse alert must fire within this many steps of the first dead filter (bound kept from the old rise rule: 500 steps plus one snapshot). */
    static final long ALERT_BOUND_STEPS = 500 + SNAPSHOT_INTERVAL;
    static final Set<String> COLLAPSE_RULES = AlertRule.collapseRules().stream().map(AlertRule::ruleName)
            .collect(Collectors.toSet());
    /**
     * The last FREEZE_STEPS steps run at lr x 1e-6 (STEP schedule), i.e. on the final weights: the probe's
     * activation window (WINDOW samples = 100 steps of 64) then judges the same model the ground truth
     * judges, instead of a mix of the weights of its last 100 steps (a filter that dies inside the window
     * is dead for the ground truth but not yet for a window that still holds its last firing).
     */
    static final long FREEZE_STEPS = Long.getLong("fw.e2e.freeze-steps", 150);
    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(Long.getLong("fw.e2e.training-timeout-minutes", 15));

    static final String RUN_COLLAPSE = "e2e-adam-l2-" + Long.toHexString(System.nanoTime() & 0xffffff);
    static final String RUN_HEALTHY = "e2e-adam-none-" + Long.toHexString(System.nanoTime() & 0xffffff);

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    PipelineStack stack;
    Path root;
    Path out;
    InfluxQueries influx;
    String api;
    final Map<String, Long> trainingSeconds = new LinkedHashMap<>();

    @BeforeAll
    void pipeline() throws Exception {
        long t0 = System.nanoTime();
        stack = new PipelineStack(Path.of(System.getProperty("fw.e2e.out", "target/e2e")), "e2e", List.of(
                "-Dprobe.window.samples=" + WINDOW,
                // the paper's test spans an epoch of training samples; these runs train less than one
                // Fashion-MNIST epoch, so the test's "epoch" is the ground truth's window (every step captured)
                "-Dprobe.window.epoch-samples=" + WINDOW,
                "-Dprobe.output.refresh-every=5"));
        root = stack.root;
        out = stack.out;
        influx = stack.influx;
        api = stack.api;
        ServiceProcess probe = stack.services.get(0);
        ServiceProcess aggregator = stack.services.get(1);
        log("services up after %d s", secondsSince(t0));

        long t1 = System.nanoTime();
        ServiceProcess collapse = trainer(RUN_COLLAPSE, L2);
        ServiceProcess healthy = trainer(RUN_HEALTHY, "0");
        for (ServiceProcess t : List.of(collapse, healthy)) {
            long left = Math.max(1, TRAINING_TIMEOUT.toMillis() - (System.nanoTime() - t1) / 1_000_000);
            if (!t.process.waitFor(left, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(t.name + " did not finish within " + TRAINING_TIMEOUT + "; log:\n" + t.tail());
            }
            assertThat(t.process.exitValue()).as(t.name + " exit code; log:\n" + t.tail()).isZero();
            trainingSeconds.put(t.name, secondsSince(t1));
        }
        log("both runs trained in %d s (%d steps each)", secondsSince(t1), STEPS);
        // the probe and the aggregator catch up: the API knows the last step and InfluxDB has the FINISHED event
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(caughtUp(RUN_COLLAPSE) && caughtUp(RUN_HEALTHY))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline did not catch up with the end of training within 90 s; API: "
                        + get("/runs/" + RUN_COLLAPSE) + "\naggregator log:\n" + aggregator.tail() + "\nprobe log:\n" + probe.tail());
            }
            Thread.sleep(1000);
        }
        Thread.sleep(3000); // the aggregator's last batch to InfluxDB
        log("pipeline caught up after %d s in all", secondsSince(t0));
    }

    private boolean caughtUp(String run) throws Exception {
        JsonNode s = getJson("/runs/" + run);
        if (s == null || s.path("lastStep").asLong() < STEPS || s.path("layers").size() == 0) {
            return false;
        }
        for (JsonNode l : s.path("layers")) {
            if (l.path("step").asLong() < STEPS) {
                return false;
            }
        }
        return !influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_EVENTS, run) + " AND " + Tags.TYPE.name() + " = 'FINISHED'").isEmpty()
                && influx.query(InfluxQueries.selectRun(InfluxSchema.LAYER_STATS, run) + " AND " + Fields.STEP.name() + " = " + STEPS).size()
                == s.path("layers").size();
    }

    private ServiceProcess trainer(String run, String l2) throws Exception {
        return stack.trainer(run, List.of("-Xmx768m", "-Dfilterwatch.trainer.flush-timeout=30s",
                "-Dfilterwatch.run.run-id=" + run, "-Dfilterwatch.run.dataset=" + DATASET,
                "-Dfilterwatch.run.synthetic-samples=" + SAMPLES, "-Dfilterwatch.run.model=small_basic_net",
                "-Dfilterwatch.run.widths=" + String.join(",", WIDTHS.stream().map(String::valueOf).toList()),
                "-Dfilterwatch.run.optimizer=adam", "-Dfilterwatch.run.learning-rate=" + LR,
                "-Dfilterwatch.run.schedule=step", "-Dfilterwatch.run.schedule-step-size=" + (STEPS - FREEZE_STEPS),
                "-Dfilterwatch.run.schedule-factor=1e-6", "-Dfilterwatch.run.l2=" + l2,
                "-Dfilterwatch.run.batch-size=" + BATCH, "-Dfilterwatch.run.max-steps=" + STEPS, "-Dfilterwatch.run.epochs=100000",
                "-Dfilterwatch.run.seed=" + SEED, "-Dfilterwatch.run.snapshot-interval=" + SNAPSHOT_INTERVAL,
                // every step: the window of WINDOW samples must be the last WINDOW / BATCH steps, which
                // the frozen tail covers, for the pipeline to judge the model the ground truth judges
                "-Dfilterwatch.run.capture-every=1",
                "-Dfilterwatch.run.checkpoint-dir=" + out.resolve("checkpoints"), "-Dfilterwatch.run.checkpoint-every=" + STEPS),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "1"));
    }

    @AfterAll
    void stopAll() {
        if (stack != null) {
            stack.close();
        }
    }

    // ------------------------------------------------------------------------------------------ the checks

    @Test
    @Order(1)
    void collapseRunRaisesACollapseAlertSoonAfterTheFirstFiltersDie() throws Exception {
        long firstDeath = firstDeadStep(RUN_COLLAPSE);
        assertThat(firstDeath).as("the collapse run loses filters (layer_stats.dead > 0 at some step)").isPositive();
        List<InfluxQueries.Row> alerts = influx.query(InfluxQueries.selectRun(InfluxSchema.ALERTS, RUN_COLLAPSE)
                + " AND " + Fields.STATUS.name() + " = 'FIRING' ORDER BY time ASC");
        Long alertStep = alerts.stream().filter(a -> COLLAPSE_RULES.contains(a.str(Tags.RULE))).map(a -> a.lng(Fields.STEP)).min(Long::compare)
                .orElse(null);
        log("collapse run: first dead filter at step %d, first collapse alert at step %s; alerts: %s", firstDeath, alertStep,
                alerts.stream().map(a -> a.str(Tags.RULE) + "@" + a.lng(Fields.STEP)).toList());
        assertThat(alertStep).as("a collapse alert (%s) fired in InfluxDB", COLLAPSE_RULES).isNotNull();
        assertThat(alertStep - firstDeath).as("steps from the first dead filter to the collapse alert")
                .isBetween(0L, ALERT_BOUND_STEPS);
        JsonNode apiAlerts = getJson("/runs/" + RUN_COLLAPSE + "/alerts");
        Set<String> apiRules = new HashSet<>();
        apiAlerts.forEach(a -> apiRules.add(a.path("rule").asText()));
        assertThat(apiRules).as("the API's alert episodes").containsAnyElementsOf(COLLAPSE_RULES);
    }

    @Test
    @Order(2)
    void runWithoutRegularisationRaisesNoAlertAndEndsWithoutDeadFilters() throws Exception {
        assertThat(influx.query(InfluxQueries.selectRun(InfluxSchema.ALERTS, RUN_HEALTHY))).as("alerts in InfluxDB").isEmpty();
        assertThat(getJson("/runs/" + RUN_HEALTHY + "/alerts")).as("alerts from the API").isEmpty();
        JsonNode summary = getJson("/runs/" + RUN_HEALTHY);
        assertThat(summary.path("dead").asInt()).as("dead filters (API)").isZero();
        assertThat(summary.path("filters").asInt()).isEqualTo(WIDTHS.stream().mapToInt(Integer::intValue).sum());
        Map<String, GroundTruth.Layer> truth = groundTruth(RUN_HEALTHY);
        assertThat(truth.values().stream().mapToInt(GroundTruth.Layer::dead).sum()).as("dead filters (ground truth)").isZero();
    }

    @Test
    @Order(3)
    void deadCountsOfTheApiAndOfInfluxDbEqualTheGroundTruth() throws Exception {
        for (String run : List.of(RUN_COLLAPSE, RUN_HEALTHY)) {
            Map<String, GroundTruth.Layer> truth = groundTruth(run);
            JsonNode summary = getJson("/runs/" + run);
            Map<String, InfluxQueries.Row> influxLayers = new LinkedHashMap<>();
            for (InfluxQueries.Row r : influx.query(InfluxQueries.selectRun(InfluxSchema.LAYER_STATS, run)
                    + " GROUP BY " + Tags.LAYER.name() + " ORDER BY time DESC LIMIT 1")) {
                influxLayers.put(r.str(Tags.LAYER), r);
            }
            Map<String, Integer> deadFilterRows = new LinkedHashMap<>();
            for (InfluxQueries.Row r : influx.query(InfluxQueries.selectRun(InfluxSchema.FILTER_STATS, run)
                    + " GROUP BY " + Tags.LAYER.name() + ", " + Tags.FILTER.name() + " ORDER BY time DESC LIMIT 1")) {
                // state, not state_code: a refresh point carries only InfluxSchema.FILTER_REFRESH_FIELDS
                deadFilterRows.merge(r.str(Tags.LAYER), FilterState.DEAD.name().equals(r.str(Fields.STATE)) ? 1 : 0,
                        Integer::sum);
            }
            Map<String, String> table = new LinkedHashMap<>();
            int apiTotal = 0;
            int truthTotal = 0;
            for (JsonNode l : summary.path("layers")) {
                String layer = l.path("layer").asText();
                GroundTruth.Layer t = truth.get(layer);
                assertThat(t).as("ground truth for layer " + layer).isNotNull();
                InfluxQueries.Row i = influxLayers.get(layer);
                table.put(layer, String.format("api %d (act %d, scale %d) | influx layer_stats %d (act %d, scale %d) | influx filter_stats %d"
                                + " | truth %d (act %d, scale %d) %s", l.path("dead").asInt(), l.path("deadByActivation").asInt(),
                        l.path("deadByScale").asInt(), i.lng(Fields.DEAD), i.lng(Fields.DEAD_BY_ACTIVATION), i.lng(Fields.DEAD_BY_SCALE),
                        deadFilterRows.getOrDefault(layer, -1), t.dead(), t.deadByActivation(), t.deadByScale(), t.deadIds()));
                apiTotal += l.path("dead").asInt();
                truthTotal += t.dead();
            }
            log("run %s dead filters per layer:%n  %s", run, String.join("\n  ", table.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()));
            assertThat(truth.keySet()).as("layers").containsExactlyInAnyOrderElementsOf(influxLayers.keySet());
            for (JsonNode l : summary.path("layers")) {
                String layer = l.path("layer").asText();
                GroundTruth.Layer t = truth.get(layer);
                InfluxQueries.Row i = influxLayers.get(layer);
                String what = run + " " + layer + ": " + table.get(layer);
                assertThat(l.path("dead").asInt()).as("API dead, " + what).isEqualTo(t.dead());
                assertThat(l.path("deadByActivation").asInt()).as("API dead by activation, " + what).isEqualTo(t.deadByActivation());
                assertThat(l.path("deadByScale").asInt()).as("API dead by scale, " + what).isEqualTo(t.deadByScale());
                assertThat(i.lng(Fields.DEAD)).as("InfluxDB layer_stats dead, " + what).isEqualTo(t.dead());
                assertThat(deadFilterRows.get(layer)).as("InfluxDB filter_stats in state DEAD, " + what).isEqualTo(t.dead());
            }
            assertThat(summary.path("dead").asInt()).as("API run total").isEqualTo(apiTotal).isEqualTo(truthTotal);
        }
    }

    @Test
    @Order(4)
    void reportRendersItsPlotsInHeadlessChromium() throws Exception {
        Path report = ReportCommand.write(influx, List.of(RUN_COLLAPSE, RUN_HEALTHY), api, out.resolve("report.html"));
        String html = Files.readString(report);
        assertThat(html).doesNotContain("<script src").contains("Chart.js v");
        String chromium = Chromium.find();
        Path profile = Files.createTempDirectory("fw-chromium-");
        String dom = Chromium.dumpDom(chromium, profile.resolve("a"), report);
        Files.writeString(out.resolve("report.dom.html"), dom);
        Map<String, Integer> points = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<canvas id=\"([^\"]+)\"[^>]*data-rendered=\"true\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
        while (m.find()) {
            points.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        log("charts drawn by Chromium (canvas -> data points): %s", points);
        for (String id : List.of("cmp-dead", "cmp-layers", "dead-0", "dead-1", "states-0", "states-1", "sel-0", "sel-1", "dom-0",
                "alerts-0", "loss-0", "loss-1")) {
            assertThat(points).as("canvas " + id + " drawn with data").containsKey(id);
            assertThat(points.get(id)).as("data points of " + id).isPositive();
        }
        assertThat(dom).contains("No alerts fired"); // the healthy run
        Path png = out.resolve("report.png");
        Chromium.screenshot(chromium, profile.resolve("b"), report, png, 1400, 2400);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("screenshot " + png).isNotNull();
        Set<Integer> colours = new HashSet<>();
        long nonBackground = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff && rgb != 0xf6f7f9) {
                    nonBackground++;
                }
            }
        }
        double share = nonBackground / (double) ((img.getWidth() / 2) * (img.getHeight() / 2));
        log("screenshot %s: %dx%d, %d colours, %.1f%% non-background", png, img.getWidth(), img.getHeight(), colours.size(), 100 * share);
        assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(50);
        assertThat(share).as("share of non-background pixels").isGreaterThan(0.02);
    }

    /**
     * The contract between dashboards and data (issue 6): every panel, variable, annotation and
     * alert-rule query of grafana/, with Grafana's variables substituted, runs against what the
     * real aggregator wrote from the real runs, without error and with data. The exceptions: a
     * query on EPOCH_END events when no run of this test reached the end of an epoch, and an
     * alert rule's query (one per aggregator rule, filtered by its name) when that rule raised no
     * episode in these runs; every rule that did raise one must be found by its query.
     */
    @Test
    @Order(5)
    void everyDashboardAndAlertQueryReturnsDataWrittenByTheRealAggregator() {
        boolean epochEnded = !influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_EVENTS, RUN_COLLAPSE)
                + " AND " + Tags.TYPE.name() + " = 'EPOCH_END'").isEmpty();
        DashboardQueries.Variables vars = DashboardQueries.Variables.of(RUN_COLLAPSE, "conv3",
                java.time.Instant.now().minus(Duration.ofHours(2)), java.time.Instant.now().plus(Duration.ofMinutes(1)));
        List<DashboardQueries.Query> queries = DashboardQueries.all(root);
        assertThat(queries).as("queries in grafana/").hasSizeGreaterThan(20);
        // a Grafana alert rule reads its rule's episodes from the alerts measurement: no data while that rule never fired
        Set<String> firedRules = influx.query("SELECT * FROM " + InfluxSchema.ALERTS.name()).stream()
                .map(a -> a.str(Tags.RULE)).collect(Collectors.toSet());
        Pattern ruleOfQuery = Pattern.compile("\"" + Tags.RULE.name() + "\"\\s*=\\s*'([^']+)'");
        List<String> failures = new java.util.ArrayList<>();
        int withData = 0;
        try (org.influxdb.InfluxDB client = org.influxdb.InfluxDBFactory.connect(stack.influxd.url())) {
            for (DashboardQueries.Query q : queries) {
                String influxQl = q.substituted(vars);
                String problem = DashboardQueries.problem(client.query(
                        new org.influxdb.dto.Query(influxQl, InfluxSchema.DEFAULT_DATABASE)));
                Matcher rule = ruleOfQuery.matcher(influxQl);
                boolean ruleNeverFired = q.kind() == DashboardQueries.Kind.ALERT_RULE && rule.find()
                        && !firedRules.contains(rule.group(1));
                if (problem == null) {
                    withData++;
                } else if (!(problem.equals(DashboardQueries.NO_DATA)
                        && (ruleNeverFired || !epochEnded && influxQl.contains("'EPOCH_END'")))) {
                    failures.add(q + "\n    " + influxQl + "\n    -> " + problem);
                }
            }
        }
        assertThat(firedRules).as("rules that fired in the pipeline").isNotEmpty();
        assertThat(firedRules).as("the collapse run raised a collapse rule").containsAnyElementsOf(COLLAPSE_RULES);
        log("dashboard and alert queries: %d of %d returned data from the pipeline (epoch ended: %s)", withData, queries.size(),
                epochEnded);
        assertThat(failures).as("queries that failed or returned no data").isEmpty();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private final Map<String, Map<String, GroundTruth.Layer>> truths = new LinkedHashMap<>();

    private Map<String, GroundTruth.Layer> groundTruth(String run) throws Exception {
        Map<String, GroundTruth.Layer> cached = truths.get(run);
        if (cached != null) {
            return cached;
        }
        Path params = out.resolve("checkpoints").resolve(run).resolve("model.params");
        assertThat(params).as("the trainer's final checkpoint").isRegularFile();
        long t0 = System.nanoTime();
        try (TrainingData data = Datasets.open(DatasetKind.valueOf(DATASET.toUpperCase().replace('-', '_')), null, 28, SAMPLES, 10, 1,
                SEED)) {
            Network net = Networks.build(ModelKind.SMALL_BASIC_NET, WIDTHS, data.sampleShape(), data.numClasses());
            Map<String, GroundTruth.Layer> t = GroundTruth.compute(net, data, params, BATCH, TRUTH_SAMPLES);
            log("ground truth of %s from %s on %d training samples in %d s", run, params.getFileName(), Math.min(TRUTH_SAMPLES, data.size()),
                    secondsSince(t0));
            truths.put(run, t);
            return t;
        }
    }

    private long firstDeadStep(String run) {
        long first = -1;
        for (InfluxQueries.Row r : influx.query(InfluxQueries.selectRun(InfluxSchema.LAYER_STATS, run)
                + " AND " + Fields.DEAD.name() + " > 0 ORDER BY time ASC")) {
            long s = r.lng(Fields.STEP);
            first = first < 0 ? s : Math.min(first, s);
        }
        return first;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    private JsonNode getJson(String path) throws Exception {
        String body = get(path);
        return body == null ? null : JSON.readTree(body);
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static long secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }

    static void log(String fmt, Object... args) {
        System.out.println("[e2e] " + String.format(fmt, args));
    }
}
