package io.filterwatch.console;

import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;
import java.util.concurrent.TimeUnit;

import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;

/**
 * Writes a made-up run in the aggregator's schema (layer_stats, filter_stats, run_stats, run_events,
 * alerts): three layers of 8, 8 and 16 filters over steps 100..1000. With {@code collapse}, conv2 loses
 * filters from step 500 on (6 of 8 dead at the end, ids 0-5), a rise alert fires at 600 and the run-level
 * at-risk alert fires at 400 and resolves at 900; conv1 filter 7 ends with
 * |gamma| < 1e-3 and beta = 0.25 (a bias fold). Without, nothing dies and no alert fires.
 */
final class SyntheticRun {
    static final long T0 = 1_780_000_000_000L;
    static final String[] LAYERS = {"conv1", "conv2", "conv3"};
    static final int[] WIDTH = {8, 8, 16};

    private SyntheticRun() {
    }

    static void write(String url, String runId, boolean collapse) {
        try (InfluxDB db = InfluxDBFactory.connect(url)) {
            BatchPoints.Builder batch = BatchPoints.database(InfluxSchema.DEFAULT_DATABASE);
            long t = T0;
            batch.point(event(runId, "STARTED", 0, 0, t, null, null));
            for (long step = 100; step <= 1000; step += 100) {
                t = T0 + step * 60;
                int epoch = (int) (step / 500);
                int totalDead = 0;
                int totalFilters = 0;
                for (int l = 0; l < LAYERS.length; l++) {
                    int n = WIDTH[l];
                    int dead = collapse && l == 1 ? (int) Math.max(0, Math.min(6, (step - 400) / 100)) : 0;
                    int dying = collapse && l == 1 && dead < 6 ? 1 : 0;
                    totalDead += dead;
                    totalFilters += n;
                    Point.Builder p = Point.measurement(InfluxSchema.LAYER_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                            .tag(Tags.RUN.name(), runId).tag(Tags.LAYER.name(), LAYERS[l])
                            .tag(Tags.OPTIMIZER.name(), collapse ? "adam" : "adamw")
                            .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), (long) epoch)
                            .addField(Fields.LAYER_INDEX.name(), (long) l)
                            .addField(Fields.FILTER_COUNT.name(), (long) n)
                            .addField(Fields.ALIVE.name(), (long) (n - dead - dying))
                            .addField(Fields.DYING.name(), (long) dying).addField(Fields.DEAD.name(), (long) dead)
                            .addField(Fields.REVIVED.name(), 0L)
                            .addField(Fields.DEAD_BY_ACTIVATION.name(), (long) dead)
                            .addField(Fields.DEAD_BY_SCALE.name(), (long) Math.max(0, dead - 2))
                            .addField(Fields.DEAD_BY_BOTH.name(), (long) Math.max(0, dead - 2))
                            .addField(Fields.DEAD_FRACTION.name(), dead / (double) n)
                            .addField(Fields.DEAD_BY_ACTIVATION_FRACTION.name(), dead / (double) n)
                            .addField(Fields.DEAD_BY_SCALE_FRACTION.name(), Math.max(0, dead - 2) / (double) n)
                            .addField(Fields.MEDIAN_GAMMA_DOMINANCE.name(), collapse ? 0.2 + step / 400.0 : 0.05)
                            .addField(Fields.P90_GAMMA_DOMINANCE.name(), collapse ? 1 + step / 200.0 : 0.1)
                            .addField(Fields.MEDIAN_BETA_DOMINANCE.name(), 0.3)
                            .addField(Fields.P90_BETA_DOMINANCE.name(), 0.6)
                            .addField(Fields.MEDIAN_WEIGHT_DOMINANCE.name(), 50.0)
                            .addField(Fields.MEDIAN_ADAPTIVE_DECAY_RATIO.name(), 3.0)
                            .addField(Fields.DEAD_FLOPS_SHARE.name(), dead / (double) n)
                            .addField(Fields.DEAD_PARAMS_SHARE.name(), dead / (double) n)
                            .addField(Fields.DEAD_PARAMS.name(), (long) dead * 577)
                            .addField(Fields.DEAD_FLOPS.name(), (long) dead * 112_896)
                            .addField(Fields.NON_FINITE_VALUES.name(), 0L)
                            .addField(Fields.WINDOW_SAMPLES.name(), Math.min(step * 64, 4096))
                            .addField(Fields.LEARNING_RATE.name(), 5e-3).addField(Fields.L2.name(), collapse ? 1e-3 : 0.0)
                            .addField(Fields.WEIGHT_DECAY.name(), collapse ? 0.0 : 1e-3).addField(Fields.BATCH_SIZE.name(), 64L);
                    for (int b = 0; b < LayerStat.SELECTIVITY_BINS; b++) {
                        long count = b == LayerStat.SELECTIVITY_BINS - 1 ? dead : b == l + 2 ? n - dead : 0;
                        p.addField(Fields.selectivityBin(b).name(), count);
                    }
                    batch.point(p.build());
                    if (step == 1000) {
                        for (int f = 0; f < n; f++) {
                            boolean isDead = f < dead;
                            double gamma = isDead ? 5e-4 : (collapse && l == 0 && f == 7) ? 2e-4 : 0.8;
                            double beta = isDead ? -0.2 : (collapse && l == 0 && f == 7) ? 0.25 : 0.05;
                            batch.point(Point.measurement(InfluxSchema.FILTER_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                                    .tag(Tags.RUN.name(), runId).tag(Tags.LAYER.name(), LAYERS[l])
                                    .tag(Tags.FILTER.name(), Integer.toString(f))
                                    .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), (long) epoch)
                                    .addField(Fields.STATE.name(), isDead ? "DEAD" : "ALIVE")
                                    .addField(Fields.STATE_CODE.name(), isDead ? 2L : 0L)
                                    .addField(Fields.STATE_SINCE_STEP.name(), isDead ? 500L : 0L)
                                    .addField(Fields.DEAD_BY_ACTIVATION.name(), isDead ? 1L : 0L)
                                    .addField(Fields.DEAD_BY_SCALE.name(), isDead || gamma < 1e-3 ? 1L : 0L)
                                    .addField(Fields.ACTIVITY_RATE.name(), isDead ? 0.0 : 0.7)
                                    .addField(Fields.SELECTIVITY.name(), isDead ? 1.0 : 0.2)
                                    .addField(Fields.SPATIAL_ACTIVITY.name(), isDead ? 0.0 : 0.4)
                                    .addField(Fields.MEAN_RESPONSE.name(), isDead ? 0.0 : 0.3)
                                    .addField(Fields.WINDOW_MAX_RESPONSE.name(), isDead ? 0.0 : 2.5)
                                    .addField(Fields.GAMMA.name(), gamma)
                                    .addField(Fields.BETA.name(), beta).addField(Fields.WEIGHT_NORM.name(), 1.1)
                                    .addField(Fields.GAMMA_DOMINANCE.name(), 2.0)
                                    .addField(Fields.BETA_DOMINANCE.name(), 1.0).addField(Fields.WEIGHT_DOMINANCE.name(), 40.0)
                                    .addField(Fields.ADAPTIVE_DECAY_RATIO.name(), 3.0).build());
                        }
                    }
                }
                batch.point(Point.measurement(InfluxSchema.RUN_STATS.name()).time(t, TimeUnit.MILLISECONDS)
                        .tag(Tags.RUN.name(), runId)
                        .addField(Fields.STEP.name(), step).addField(Fields.FILTERS.name(), (long) totalFilters)
                        .addField(Fields.ALIVE.name(), (long) (totalFilters - totalDead))
                        .addField(Fields.DYING.name(), 0L).addField(Fields.DEAD.name(), (long) totalDead)
                        .addField(Fields.DEAD_FRACTION.name(), totalDead / (double) totalFilters)
                        .addField(Fields.DEAD_BY_ACTIVATION.name(), (long) totalDead)
                        .addField(Fields.DEAD_BY_SCALE.name(), 0L).addField(Fields.LAYERS.name(), 3L).build());
                if (step % 500 == 0) {
                    batch.point(event(runId, "EPOCH_END", step, epoch, t + 1, 2.0 - step / 1000.0, 0.5 + step / 4000.0));
                }
            }
            if (collapse) {
                batch.point(alert(runId, AlertRule.LAYER_DEAD_FRACTION.ruleName(), "WARNING", "conv2", "a1", "FIRING", 600,
                        "Layer conv2 of run " + runId + ": dead filters rose by 25.0 points within 500 steps"));
                batch.point(alert(runId, AlertRule.AT_RISK.ruleName(), "WARNING", "conv2", "a2", "FIRING", 400, "Layer conv2: 1 filters dying"));
                batch.point(alert(runId, AlertRule.AT_RISK.ruleName(), "WARNING", "conv2", "a2", "RESOLVED", 900, "Resolved: Layer conv2: 1 filters dying"));
            }
            batch.point(event(runId, "FINISHED", 1000, 2, T0 + 1000 * 60 + 5, 0.9, 0.78));
            db.write(batch.build());
        }
    }

    private static Point event(String run, String type, long step, int epoch, long t, Double loss, Double acc) {
        Point.Builder p = Point.measurement(InfluxSchema.RUN_EVENTS.name()).time(t, TimeUnit.MILLISECONDS)
                .tag(Tags.RUN.name(), run).tag(Tags.TYPE.name(), type)
                .addField(Fields.STEP.name(), step).addField(Fields.EPOCH.name(), (long) epoch)
                .addField(Fields.MESSAGE.name(), type.toLowerCase());
        if (loss != null) {
            p.addField(Fields.LOSS.name(), loss);
        }
        if (acc != null) {
            p.addField(Fields.ACCURACY.name(), acc);
        }
        return p.build();
    }

    private static Point alert(String run, String rule, String sev, String layer, String id, String status, long step, String summary) {
        return Point.measurement(InfluxSchema.ALERTS.name()).time(T0 + step * 60 + 2, TimeUnit.MILLISECONDS)
                .tag(Tags.RUN.name(), run).tag(Tags.RULE.name(), rule)
                .tag(Tags.SEVERITY.name(), sev).tag(Tags.LAYER.name(), layer).addField(Fields.ID.name(), id)
                .addField(Fields.STATUS.name(), status)
                .addField(Fields.FIRING.name(), "FIRING".equals(status) ? 1L : 0L).addField(Fields.STEP.name(), step)
                .addField(Fields.SUMMARY.name(), summary).addField(Fields.DESCRIPTION.name(), summary).build();
    }
}
