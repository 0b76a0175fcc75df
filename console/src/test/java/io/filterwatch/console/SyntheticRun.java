package io.filterwatch.console;

import io.filterwatch.protocol.AlertRule;
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
            BatchPoints.Builder batch = BatchPoints.database("filterwatch");
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
                    Point.Builder p = Point.measurement("layer_stats").time(t, TimeUnit.MILLISECONDS)
                            .tag("run", runId).tag("layer", LAYERS[l]).tag("optimizer", collapse ? "adam" : "adamw")
                            .addField("step", step).addField("epoch", (long) epoch).addField("layer_index", (long) l)
                            .addField("filter_count", (long) n).addField("alive", (long) (n - dead - dying))
                            .addField("dying", (long) dying).addField("dead", (long) dead).addField("revived", 0L)
                            .addField("dead_by_activation", (long) dead).addField("dead_by_scale", (long) Math.max(0, dead - 2))
                            .addField("dead_by_both", (long) Math.max(0, dead - 2))
                            .addField("dead_fraction", dead / (double) n)
                            .addField("dead_by_activation_fraction", dead / (double) n)
                            .addField("dead_by_scale_fraction", Math.max(0, dead - 2) / (double) n)
                            .addField("median_gamma_dominance", collapse ? 0.2 + step / 400.0 : 0.05)
                            .addField("p90_gamma_dominance", collapse ? 1 + step / 200.0 : 0.1)
                            .addField("median_beta_dominance", 0.3)
                            .addField("p90_beta_dominance", 0.6)
                            .addField("median_weight_dominance", 50.0)
                            .addField("median_adaptive_decay_ratio", 3.0)
                            .addField("dead_flops_share", dead / (double) n).addField("dead_params_share", dead / (double) n)
                            .addField("dead_params", (long) dead * 577).addField("dead_flops", (long) dead * 112_896)
                            .addField("non_finite_values", 0L).addField("window_samples", Math.min(step * 64, 4096))
                            .addField("learning_rate", 5e-3).addField("l2", collapse ? 1e-3 : 0.0)
                            .addField("weight_decay", collapse ? 0.0 : 1e-3).addField("batch_size", 64L);
                    for (int b = 0; b < 10; b++) {
                        long count = b == 9 ? dead : b == l + 2 ? n - dead : 0;
                        p.addField("sel_bin_" + b, count);
                    }
                    batch.point(p.build());
                    if (step == 1000) {
                        for (int f = 0; f < n; f++) {
                            boolean isDead = f < dead;
                            double gamma = isDead ? 5e-4 : (collapse && l == 0 && f == 7) ? 2e-4 : 0.8;
                            double beta = isDead ? -0.2 : (collapse && l == 0 && f == 7) ? 0.25 : 0.05;
                            batch.point(Point.measurement("filter_stats").time(t, TimeUnit.MILLISECONDS)
                                    .tag("run", runId).tag("layer", LAYERS[l]).tag("filter", Integer.toString(f))
                                    .addField("step", step).addField("epoch", (long) epoch)
                                    .addField("state", isDead ? "DEAD" : "ALIVE").addField("state_code", isDead ? 2L : 0L)
                                    .addField("state_since_step", isDead ? 500L : 0L)
                                    .addField("dead_by_activation", isDead ? 1L : 0L)
                                    .addField("dead_by_scale", isDead || gamma < 1e-3 ? 1L : 0L)
                                    .addField("activity_rate", isDead ? 0.0 : 0.7).addField("selectivity", isDead ? 1.0 : 0.2)
                                    .addField("spatial_activity", isDead ? 0.0 : 0.4).addField("mean_response", isDead ? 0.0 : 0.3)
                                    .addField("window_max_response", isDead ? 0.0 : 2.5).addField("gamma", gamma)
                                    .addField("beta", beta).addField("weight_norm", 1.1).addField("gamma_dominance", 2.0)
                                    .addField("beta_dominance", 1.0).addField("weight_dominance", 40.0)
                                    .addField("adaptive_decay_ratio", 3.0).build());
                        }
                    }
                }
                batch.point(Point.measurement("run_stats").time(t, TimeUnit.MILLISECONDS).tag("run", runId)
                        .addField("step", step).addField("filters", (long) totalFilters).addField("alive", (long) (totalFilters - totalDead))
                        .addField("dying", 0L).addField("dead", (long) totalDead)
                        .addField("dead_fraction", totalDead / (double) totalFilters)
                        .addField("dead_by_activation", (long) totalDead).addField("dead_by_scale", 0L).addField("layers", 3L).build());
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
        Point.Builder p = Point.measurement("run_events").time(t, TimeUnit.MILLISECONDS).tag("run", run).tag("type", type)
                .addField("step", step).addField("epoch", (long) epoch).addField("message", type.toLowerCase());
        if (loss != null) {
            p.addField("loss", loss);
        }
        if (acc != null) {
            p.addField("accuracy", acc);
        }
        return p.build();
    }

    private static Point alert(String run, String rule, String sev, String layer, String id, String status, long step, String summary) {
        return Point.measurement("alerts").time(T0 + step * 60 + 2, TimeUnit.MILLISECONDS).tag("run", run).tag("rule", rule)
                .tag("severity", sev).tag("layer", layer).addField("id", id).addField("status", status)
                .addField("firing", "FIRING".equals(status) ? 1L : 0L).addField("step", step)
                .addField("summary", summary).addField("description", summary).build();
    }
}
