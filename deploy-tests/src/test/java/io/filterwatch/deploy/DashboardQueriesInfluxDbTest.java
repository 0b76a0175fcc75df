package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.filterwatch.protocol.AlertRule;
import io.filterwatch.testing.LocalInfluxDb;

/**
 * Every InfluxQL query of the dashboards and alert rules ({@link DashboardQueries}) runs against a
 * real InfluxDB holding a few points of every measurement of the schema, with Grafana's variables
 * substituted, and returns data without error. (The full contract test fills InfluxDB through
 * the real aggregator instead; this one pins down the queries themselves.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesInfluxDbTest {
    static final String RUN = "resnet-test.run/1";   // '.' and '/' exercise the regex escaping
    static final String OTHER_RUN = "sgd-baseline";
    static final String LAYER = "stage2.block1.conv2";
    static final String OTHER_LAYER = "conv1";
    static final int STEPS = 20;

    LocalInfluxDb influx;
    InfluxDB client;
    Instant from;
    Instant to;

    @BeforeAll
    void startAndFill() {
        influx = LocalInfluxDb.start();
        influx.createDatabase(InfluxSchema.DATABASE);
        client = InfluxDBFactory.connect(influx.url());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        from = now.minus(2, ChronoUnit.HOURS);
        to = now.plus(1, ChronoUnit.MINUTES);
        BatchPoints batch = BatchPoints.database(InfluxSchema.DATABASE).build();
        Instant t0 = now.minus(STEPS, ChronoUnit.MINUTES);
        for (int i = 0; i < STEPS; i++) {
            long t = t0.plus(i, ChronoUnit.MINUTES).toEpochMilli();
            long step = 100L * (i + 1);
            for (String run : List.of(RUN, OTHER_RUN)) {
                String optimizer = run.equals(RUN) ? "Adam" : "sgd";
                for (String layer : List.of(OTHER_LAYER, LAYER)) {
                    int filters = 8;
                    int dead = Math.min(filters, i / 3);
                    int dying = Math.min(filters - dead, 2);
                    batch.point(layerStat(run, layer, optimizer, t, step, filters, dead, dying, i));
                    for (int f = 0; f < filters; f++) {
                        batch.point(filterStat(run, layer, f, t, step, f < dead));
                    }
                }
                batch.point(Point.measurement("run_stats").time(t, TimeUnit.MILLISECONDS)
                        .tag("run", run)
                        .addField("step", step).addField("filters", 16L).addField("alive", 12L).addField("dying", 2L)
                        .addField("dead", 2L).addField("dead_fraction", 2.0 / 16).addField("dead_by_activation", 2L)
                        .addField("dead_by_scale", 1L).addField("layers", 2L).build());
                if (i % 5 == 4) {
                    batch.point(Point.measurement("run_events").time(t, TimeUnit.MILLISECONDS)
                            .tag("run", run).tag("type", "EPOCH_END")
                            .addField("step", step).addField("epoch", (long) (i / 5)).addField("loss", 1.5 / (i + 1))
                            .addField("accuracy", 0.5 + i / 50.0).build());
                }
            }
        }
        long start = t0.minus(1, ChronoUnit.MINUTES).toEpochMilli();
        for (String run : List.of(RUN, OTHER_RUN)) {
            batch.point(Point.measurement("run_events").time(start, TimeUnit.MILLISECONDS)
                    .tag("run", run).tag("type", "STARTED")
                    .addField("step", 0L).addField("epoch", 0L).addField("message", "run started").build());
        }
        long tAlert = t0.plus(10, ChronoUnit.MINUTES).toEpochMilli();
        batch.point(alert(RUN, AlertRule.LAYER_DEAD_FRACTION.ruleName(), "WARNING", LAYER, "FIRING", tAlert, 1100));
        batch.point(alert(RUN, AlertRule.RUN_DEAD_FRACTION.ruleName(), "CRITICAL", "-", "FIRING", tAlert + 1, 1100));
        batch.point(alert(OTHER_RUN, AlertRule.AT_RISK.ruleName(), "WARNING", OTHER_LAYER, "FIRING", tAlert, 1100));
        batch.point(alert(OTHER_RUN, AlertRule.AT_RISK.ruleName(), "WARNING", OTHER_LAYER, "RESOLVED", tAlert + 60_000, 1200));
        // one resolved episode of every other rule, so each Grafana rule's query has its rule's episodes to read
        int k = 2;
        for (AlertRule r : AlertRule.values()) {
            if (r != AlertRule.LAYER_DEAD_FRACTION && r != AlertRule.RUN_DEAD_FRACTION && r != AlertRule.AT_RISK) {
                String layer = r == AlertRule.RUN_SILENT || r == AlertRule.RUN_LOST ? "-" : OTHER_LAYER;
                batch.point(alert(OTHER_RUN, r.ruleName(), r.severity().name(), layer, "FIRING", tAlert + k++, 1100));
                batch.point(alert(OTHER_RUN, r.ruleName(), r.severity().name(), layer, "RESOLVED", tAlert + 60_000 + k++, 1300));
            }
        }
        client.write(batch);
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (influx != null) {
            influx.stop();
        }
    }

    @Test
    void everyDashboardAndAlertQueryRunsAndReturnsData() {
        DashboardQueries.Variables vars = DashboardQueries.Variables.of(RUN, LAYER, from, to);
        List<DashboardQueries.Query> queries = DashboardQueries.all(RepoRoot.find());
        assertThat(queries).as("queries found in grafana/").hasSizeGreaterThan(20);
        assertThat(queries).extracting(DashboardQueries.Query::kind)
                .contains(DashboardQueries.Kind.PANEL, DashboardQueries.Kind.VARIABLE,
                        DashboardQueries.Kind.ANNOTATION, DashboardQueries.Kind.ALERT_RULE);
        List<String> failures = new ArrayList<>();
        for (DashboardQueries.Query q : queries) {
            String influxQl = q.substituted(vars);
            QueryResult r = client.query(new Query(influxQl, InfluxSchema.DATABASE));
            String problem = DashboardQueries.problem(r);
            if (problem != null) {
                failures.add(q + "\n    " + influxQl + "\n    -> " + problem);
            }
        }
        assertThat(failures).as("queries that failed or returned no data").isEmpty();
    }

    @Test
    void runVariableListsBothRunsAndLayerVariableFollowsTheRun() {
        DashboardQueries.Variables vars = DashboardQueries.Variables.of(RUN, LAYER, from, to);
        for (DashboardQueries.Query q : DashboardQueries.all(RepoRoot.find())) {
            if (q.kind() != DashboardQueries.Kind.VARIABLE) {
                continue;
            }
            List<String> values = new ArrayList<>();
            QueryResult r = client.query(new Query(q.substituted(vars), InfluxSchema.DATABASE));
            for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
                for (List<Object> row : s.getValues()) {
                    values.add(String.valueOf(row.get(row.size() - 1)));
                }
            }
            if (q.name().equals("$run")) {
                assertThat(values).as(q.toString()).contains(RUN, OTHER_RUN);
            } else if (q.name().equals("$layer")) {
                assertThat(values).as(q.toString()).containsExactlyInAnyOrder(OTHER_LAYER, LAYER);
            }
        }
    }

    @Test
    void openAlertsPanelShowsOnlyFiringAlerts() {
        DashboardQueries.Variables vars = DashboardQueries.Variables.of(RUN, LAYER, from, to);
        DashboardQueries.Query open = DashboardQueries.all(RepoRoot.find()).stream()
                .filter(q -> q.name().startsWith("Open alerts (latest state FIRING)")).findFirst().orElseThrow();
        QueryResult r = client.query(new Query(open.substituted(vars), InfluxSchema.DATABASE));
        List<String> rules = new ArrayList<>();
        for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
            rules.add(s.getTags().get("run") + "/" + s.getTags().get("rule"));
        }
        assertThat(rules).containsExactlyInAnyOrder(RUN + "/" + AlertRule.LAYER_DEAD_FRACTION.ruleName(),
                RUN + "/" + AlertRule.RUN_DEAD_FRACTION.ruleName());
    }

    static Point layerStat(String run, String layer, String optimizer, long t, long step, int filters, int dead, int dying, int i) {
        Point.Builder p = Point.measurement("layer_stats").time(t, TimeUnit.MILLISECONDS)
                .tag("run", run).tag("layer", layer).tag("optimizer", optimizer)
                .addField("step", step).addField("epoch", (long) (i / 5))
                .addField("layer_index", layer.equals(OTHER_LAYER) ? 0L : 1L)
                .addField("filter_count", (long) filters).addField("alive", (long) (filters - dead - dying))
                .addField("dying", (long) dying).addField("dead", (long) dead).addField("revived", 0L)
                .addField("dead_by_activation", (long) dead).addField("dead_by_scale", (long) (dead / 2))
                .addField("dead_by_both", (long) (dead / 2)).addField("dead_params", 9L * 64 * dead)
                .addField("dead_flops", 9L * 64 * 28 * 28 * dead).addField("non_finite_values", 0L)
                .addField("window_samples", 640L).addField("batch_size", 64L)
                .addField("dead_fraction", (double) dead / filters)
                .addField("dead_by_activation_fraction", (double) dead / filters)
                .addField("dead_by_scale_fraction", (double) (dead / 2) / filters)
                .addField("median_gamma_dominance", 0.5 + i * 0.1).addField("p90_gamma_dominance", 1.0 + i * 0.2)
                .addField("median_beta_dominance", 0.4 + i * 0.05).addField("p90_beta_dominance", 0.9 + i * 0.1)
                .addField("median_weight_dominance", 60.0).addField("median_adaptive_decay_ratio", 3.0 + i)
                .addField("dead_flops_share", (double) dead / filters).addField("dead_params_share", (double) dead / filters)
                .addField("learning_rate", 0.005).addField("l2", 0.001).addField("weight_decay", 0.0);
        for (int b = 0; b < 10; b++) {
            p.addField("sel_bin_" + b, (long) (b == 9 ? dead : (b < 2 ? filters - dead : 0)));
        }
        return p.build();
    }

    static Point filterStat(String run, String layer, int filter, long t, long step, boolean dead) {
        String state = dead ? "DEAD" : "ALIVE";
        return Point.measurement("filter_stats").time(t, TimeUnit.MILLISECONDS)
                .tag("run", run).tag("layer", layer).tag("filter", Integer.toString(filter))
                .addField("step", step).addField("epoch", step / 500).addField("state", state)
                .addField("state_code", dead ? 2L : 0L).addField("state_since_step", dead ? step : 0L)
                .addField("dead_by_activation", dead ? 1L : 0L).addField("dead_by_scale", 0L)
                .addField("activity_rate", dead ? 0.0 : 0.3 + filter * 0.05).addField("selectivity", dead ? 1.0 : 0.2)
                .addField("spatial_activity", dead ? 0.0 : 0.4).addField("mean_response", dead ? 0.0 : 0.7)
                .addField("window_max_response", dead ? 0.0 : 3.2).addField("gamma", dead ? 5e-3 : 0.9)
                .addField("beta", dead ? -0.2 : 0.05).addField("weight_norm", 1.2).addField("gamma_dominance", dead ? 4.0 : 0.3)
                .addField("beta_dominance", 0.5).addField("weight_dominance", 60.0).addField("adaptive_decay_ratio", 3.0)
                .build();
    }

    static Point alert(String run, String rule, String severity, String layer, String status, long t, long step) {
        return Point.measurement("alerts").time(t, TimeUnit.MILLISECONDS)
                .tag("run", run).tag("rule", rule).tag("severity", severity).tag("layer", Objects.requireNonNull(layer))
                .addField("id", run + "/" + rule + "/" + layer + "/" + step).addField("status", status)
                .addField("firing", "FIRING".equals(status) ? 1L : 0L).addField("step", step)
                .addField("summary", rule + " on " + run).addField("description", "test alert " + rule)
                .build();
    }
}
