package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;
import io.filterwatch.testing.LocalInfluxDb;

/**
 * Every InfluxQL query of the dashboards and alert rules ({@link DashboardQueries}) runs against a
 * real InfluxDB holding a few points of every measurement of the schema, with Grafana's variables
 * substituted, and returns data without error. (The full contract test fills InfluxDB through
 * the real aggregator instead; this one pins down the queries themselves.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesInfluxDbIT {
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
        influx.createDatabase(InfluxSchema.DEFAULT_DATABASE);
        client = InfluxDBFactory.connect(influx.url());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        from = now.minus(2, ChronoUnit.HOURS);
        to = now.plus(1, ChronoUnit.MINUTES);
        BatchPoints batch = BatchPoints.database(InfluxSchema.DEFAULT_DATABASE).build();
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
                batch.point(Point.measurement(InfluxSchema.RUN_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                        .tag(Tags.RUN.name(), run)
                        .addField(Fields.STEP.name(), step).addField(Fields.FILTERS.name(), 16L).addField(Fields.ALIVE.name(), 12L).addField(Fields.DYING.name(), 2L)
                        .addField(Fields.DEAD.name(), 2L).addField(Fields.DEAD_FRACTION.name(), 2.0 / 16).addField(Fields.DEAD_BY_ACTIVATION.name(), 2L)
                        .addField(Fields.DEAD_BY_SCALE.name(), 1L).addField(Fields.LAYERS.name(), 2L).addField(Fields.SILENT.name(), 0L).build());
                if (i % 5 == 4) {
                    batch.point(Point.measurement(InfluxSchema.RUN_EVENTS.name()).time(t, TimeUnit.MILLISECONDS)
                            .tag(Tags.RUN.name(), run).tag(Tags.TYPE.name(), "EPOCH_END")
                            .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), (long) (i / 5)).addField(Fields.LOSS.name(), 1.5 / (i + 1))
                            .addField(Fields.ACCURACY.name(), 0.5 + i / 50.0).build());
                }
            }
        }
        long start = t0.minus(1, ChronoUnit.MINUTES).toEpochMilli();
        for (String run : List.of(RUN, OTHER_RUN)) {
            batch.point(Point.measurement(InfluxSchema.RUN_EVENTS.name()).time(start, TimeUnit.MILLISECONDS)
                    .tag(Tags.RUN.name(), run).tag(Tags.TYPE.name(), "STARTED")
                    .addField(Fields.STEP.name(), 0L).addField(Fields.EPOCH.name(), 0L).addField(Fields.MESSAGE.name(), "run started").build());
        }
        long tAlert = t0.plus(10, ChronoUnit.MINUTES).toEpochMilli();
        batch.point(alert(RUN, AlertRule.LAYER_DEAD_FRACTION.ruleName(), "WARNING", LAYER, "FIRING", tAlert, 1100));
        batch.point(alert(RUN, AlertRule.RUN_DEAD_FRACTION.ruleName(), "CRITICAL", InfluxSchema.NO_LAYER, "FIRING", tAlert + 1, 1100));
        batch.point(alert(OTHER_RUN, AlertRule.AT_RISK.ruleName(), "WARNING", OTHER_LAYER, "FIRING", tAlert, 1100));
        batch.point(alert(OTHER_RUN, AlertRule.AT_RISK.ruleName(), "WARNING", OTHER_LAYER, "RESOLVED", tAlert + 60_000, 1200));
        // one resolved episode of every other rule, so each Grafana rule's query has its rule's episodes to read
        int k = 2;
        for (AlertRule r : AlertRule.values()) {
            if (r != AlertRule.LAYER_DEAD_FRACTION && r != AlertRule.RUN_DEAD_FRACTION && r != AlertRule.AT_RISK) {
                String layer = r == AlertRule.RUN_SILENT || r == AlertRule.RUN_LOST ? InfluxSchema.NO_LAYER : OTHER_LAYER;
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
            QueryResult r = client.query(new Query(influxQl, InfluxSchema.DEFAULT_DATABASE));
            String problem = DashboardQueries.problem(r);
            if (problem != null) {
                failures.add(q + "\n    " + influxQl + "\n    -> " + problem);
            }
        }
        assertThat(failures).as("queries that failed or returned no data").isEmpty();
    }

    /** The points above are the contract's: InfluxDB reports every tag key and every field key with its type. */
    @Test
    void theDatabaseHoldsExactlyTheContractsTagsFieldsAndTypes() {
        for (InfluxSchema.Measurement m : InfluxSchema.MEASUREMENTS) {
            Map<String, String> fields = new TreeMap<>();
            for (List<Object> row : rows("SHOW FIELD KEYS FROM \"" + m.name() + "\"")) {
                fields.put(String.valueOf(row.get(0)), String.valueOf(row.get(1)));
            }
            Map<String, String> expected = new TreeMap<>();
            m.fields().forEach(f -> expected.put(f.name(), f.type().name().toLowerCase(Locale.ROOT)));
            assertThat(fields).as(m.name() + " field keys and types").isEqualTo(expected);
            List<String> tags = rows("SHOW TAG KEYS FROM \"" + m.name() + "\"").stream().map(r -> String.valueOf(r.get(0))).toList();
            assertThat(tags).as(m.name() + " tag keys").containsExactlyInAnyOrderElementsOf(
                    m.tags().stream().map(InfluxSchema.Tag::name).toList());
        }
    }

    private List<List<Object>> rows(String influxQl) {
        QueryResult r = client.query(new Query(influxQl, InfluxSchema.DEFAULT_DATABASE));
        assertThat(r.hasError()).as(influxQl + ": " + r.getError()).isFalse();
        List<QueryResult.Series> series = r.getResults().get(0).getSeries();
        return series == null ? List.of() : series.stream().flatMap(s -> s.getValues().stream()).toList();
    }

    @Test
    void runVariableListsBothRunsAndLayerVariableFollowsTheRun() {
        DashboardQueries.Variables vars = DashboardQueries.Variables.of(RUN, LAYER, from, to);
        for (DashboardQueries.Query q : DashboardQueries.all(RepoRoot.find())) {
            if (q.kind() != DashboardQueries.Kind.VARIABLE) {
                continue;
            }
            List<String> values = new ArrayList<>();
            QueryResult r = client.query(new Query(q.substituted(vars), InfluxSchema.DEFAULT_DATABASE));
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
        QueryResult r = client.query(new Query(open.substituted(vars), InfluxSchema.DEFAULT_DATABASE));
        List<String> rules = new ArrayList<>();
        for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
            rules.add(s.getTags().get(Tags.RUN.name()) + "/" + s.getTags().get(Tags.RULE.name()));
        }
        assertThat(rules).containsExactlyInAnyOrder(RUN + "/" + AlertRule.LAYER_DEAD_FRACTION.ruleName(),
                RUN + "/" + AlertRule.RUN_DEAD_FRACTION.ruleName());
    }

    static Point layerStat(String run, String layer, String optimizer, long t, long step, int filters, int dead, int dying, int i) {
        Point.Builder p = Point.measurement(InfluxSchema.LAYER_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                .tag(Tags.RUN.name(), run).tag(Tags.LAYER.name(), layer).tag(Tags.OPTIMIZER.name(), optimizer)
                .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), (long) (i / 5))
                .addField(Fields.LAYER_INDEX.name(), layer.equals(OTHER_LAYER) ? 0L : 1L)
                .addField(Fields.FILTER_COUNT.name(), (long) filters).addField(Fields.ALIVE.name(), (long) (filters - dead - dying))
                .addField(Fields.DYING.name(), (long) dying).addField(Fields.DEAD.name(), (long) dead).addField(Fields.REVIVED.name(), 0L)
                .addField(Fields.DEAD_BY_ACTIVATION.name(), (long) dead).addField(Fields.DEAD_BY_SCALE.name(), (long) (dead / 2))
                .addField(Fields.DEAD_BY_BOTH.name(), (long) (dead / 2)).addField(Fields.DEAD_PARAMS.name(), 9L * 64 * dead)
                .addField(Fields.DEAD_FLOPS.name(), 9L * 64 * 28 * 28 * dead).addField(Fields.NON_FINITE_VALUES.name(), 0L)
                .addField(Fields.WINDOW_SAMPLES.name(), 640L).addField(Fields.BATCH_SIZE.name(), 64L)
                .addField(Fields.DEAD_FRACTION.name(), (double) dead / filters)
                .addField(Fields.DEAD_BY_ACTIVATION_FRACTION.name(), (double) dead / filters)
                .addField(Fields.DEAD_BY_SCALE_FRACTION.name(), (double) (dead / 2) / filters)
                .addField(Fields.MEDIAN_GAMMA_DOMINANCE.name(), 0.5 + i * 0.1).addField(Fields.P90_GAMMA_DOMINANCE.name(), 1.0 + i * 0.2)
                .addField(Fields.MEDIAN_BETA_DOMINANCE.name(), 0.4 + i * 0.05).addField(Fields.P90_BETA_DOMINANCE.name(), 0.9 + i * 0.1)
                .addField(Fields.MEDIAN_WEIGHT_DOMINANCE.name(), 60.0).addField(Fields.MEDIAN_ADAPTIVE_DECAY_RATIO.name(), 3.0 + i)
                .addField(Fields.DEAD_FLOPS_SHARE.name(), (double) dead / filters).addField(Fields.DEAD_PARAMS_SHARE.name(), (double) dead / filters)
                .addField(Fields.LEARNING_RATE.name(), 0.005).addField(Fields.L2.name(), 0.001).addField(Fields.WEIGHT_DECAY.name(), 0.0)
                .addField(Fields.SILENT.name(), 0L).addField(Fields.ACTIVATION_TEST_DECIDED.name(), 1L)
                .addField(Fields.MEDIAN_REGULARISER_STEP_SHARE.name(), 0.2 + i * 0.01);
        for (int b = 0; b < Fields.SELECTIVITY_BINS.size(); b++) {
            p.addField(Fields.selectivityBin(b).name(), (long) (b == 9 ? dead : (b < 2 ? filters - dead : 0)));
        }
        return p.build();
    }

    static Point filterStat(String run, String layer, int filter, long t, long step, boolean dead) {
        String state = dead ? "DEAD" : "ALIVE";
        return Point.measurement(InfluxSchema.FILTER_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                .tag(Tags.RUN.name(), run).tag(Tags.LAYER.name(), layer).tag(Tags.FILTER.name(), Integer.toString(filter))
                .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), step / 500).addField(Fields.STATE.name(), state)
                .addField(Fields.STATE_CODE.name(), dead ? 2L : 0L).addField(Fields.STATE_SINCE_STEP.name(), dead ? step : 0L)
                .addField(Fields.DEAD_BY_ACTIVATION.name(), dead ? 1L : 0L).addField(Fields.DEAD_BY_SCALE.name(), 0L)
                .addField(Fields.ACTIVITY_RATE.name(), dead ? 0.0 : 0.3 + filter * 0.05).addField(Fields.SELECTIVITY.name(), dead ? 1.0 : 0.2)
                .addField(Fields.SPATIAL_ACTIVITY.name(), dead ? 0.0 : 0.4).addField(Fields.MEAN_RESPONSE.name(), dead ? 0.0 : 0.7)
                .addField(Fields.WINDOW_MAX_RESPONSE.name(), dead ? 0.0 : 3.2).addField(Fields.GAMMA.name(), dead ? 5e-3 : 0.9)
                .addField(Fields.BETA.name(), dead ? -0.2 : 0.05).addField(Fields.WEIGHT_NORM.name(), 1.2).addField(Fields.GAMMA_DOMINANCE.name(), dead ? 4.0 : 0.3)
                .addField(Fields.BETA_DOMINANCE.name(), 0.5).addField(Fields.WEIGHT_DOMINANCE.name(), 60.0).addField(Fields.ADAPTIVE_DECAY_RATIO.name(), 3.0)
                .addField(Fields.REGULARISER_STEP_SHARE.name(), 0.3).addField(Fields.SILENT.name(), dead ? 1L : 0L)
                .addField(Fields.LAST_FIRED_STEP.name(), dead ? 0L : step)
                .build();
    }

    static Point alert(String run, String rule, String severity, String layer, String status, long t, long step) {
        return Point.measurement(InfluxSchema.ALERTS.name()).time(t, TimeUnit.MILLISECONDS)
                .tag(Tags.RUN.name(), run).tag(Tags.RULE.name(), rule).tag(Tags.SEVERITY.name(), severity).tag(Tags.LAYER.name(), Objects.requireNonNull(layer))
                .addField(Fields.ID.name(), run + "/" + rule + "/" + layer + "/" + step).addField(Fields.STATUS.name(), status)
                .addField(Fields.FIRING.name(), "FIRING".equals(status) ? 1L : 0L).addField(Fields.STEP.name(), step)
                .addField(Fields.SUMMARY.name(), rule + " on " + run).addField(Fields.DESCRIPTION.name(), "test alert " + rule)
                .build();
    }
}
