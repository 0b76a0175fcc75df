package io.filterwatch.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.console.ReportModel.AlertPoint;
import io.filterwatch.console.ReportModel.AlertRow;
import io.filterwatch.console.ReportModel.BlockedRow;
import io.filterwatch.console.ReportModel.Comparison;
import io.filterwatch.console.ReportModel.ComparisonRow;
import io.filterwatch.console.ReportModel.EpochPoint;
import io.filterwatch.console.ReportModel.Excerpt;
import io.filterwatch.console.ReportModel.Fact;
import io.filterwatch.console.ReportModel.FoldRow;
import io.filterwatch.console.ReportModel.Headline;
import io.filterwatch.console.ReportModel.LayerSeries;
import io.filterwatch.console.ReportModel.PlanLayerRow;
import io.filterwatch.console.ReportModel.PlanSection;
import io.filterwatch.console.ReportModel.ResidualGroupRow;
import io.filterwatch.console.ReportModel.RunCharts;
import io.filterwatch.console.ReportModel.RunSection;
import io.filterwatch.protocol.PruningPlan;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Field;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/**
 * Shapes what InfluxDB holds about a run ({@link RunHistory}) and the aggregator's pruning plan into the
 * {@link ReportModel} the report's templates render. No HTML here.
 */
public final class ReportModelBuilder {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** How many ids, folds and kept filters a plan's table cell lists before "...". */
    static final int IDS_SHOWN = 24;
    static final int FOLDS_SHOWN = 12;
    static final int BLOCKED_SHOWN = 3;
    private static final String FIRING = "FIRING";

    /** One run and its pruning plan. */
    public record RunInput(RunHistory run, PruningPlans.Plan plan) {
    }

    private ReportModelBuilder() {
    }

    /** What {@code console report} reads. */
    public static final String FROM_INFLUXDB = "InfluxDB (database filterwatch)";

    public static ReportModel build(List<RunInput> inputs, long generatedAtMillis) {
        return build(inputs, generatedAtMillis, FROM_INFLUXDB, List.of());
    }

    /**
     * @param source    where the runs' numbers come from, for the page's header
     * @param extraRows rows the side-by-side table shows after the outcome (one value per run, in order)
     */
    public static ReportModel build(List<RunInput> inputs, long generatedAtMillis, String source, List<ComparisonRow> extraRows) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a report shows at least one run");
        }
        List<String> ids = inputs.stream().map(i -> i.run().runId).toList();
        String title = "FilterWatch report: " + (ids.size() <= 2 ? String.join(" vs ", ids) : ids.size() + " runs side by side");
        List<RunSection> runs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            runs.add(runSection(i, inputs.get(i)));
        }
        List<RunHistory> histories = inputs.stream().map(RunInput::run).toList();
        return new ReportModel(title, TS.format(Instant.ofEpochMilli(generatedAtMillis)), source, runs,
                inputs.size() >= 2 ? comparison(histories, extraRows) : null);
    }

    static RunSection runSection(int index, RunInput in) {
        RunHistory run = in.run();
        String status = run.status();
        return new RunSection(index, run.runId, status, status.toLowerCase(Locale.ROOT), headline(run), facts(run),
                alertRows(run), planSection(in.plan()), charts(run));
    }

    static Headline headline(RunHistory run) {
        long[] t = run.totals();
        double frac = deadFraction(t);
        return new Headline(NumberFormats.pct(frac), frac >= 0.3 ? "bad" : frac > 0 ? "warn" : "good", t[0], t[3], t[4], t[5], t[2]);
    }

    private static double deadFraction(long[] totals) {
        return totals[0] == 0 ? 0 : totals[3] / (double) totals[0];
    }

    /** The headline card's table: progress, loss, settings, alerts, first death. */
    static List<Fact> facts(RunHistory run) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("last step", Long.toString(run.lastStep())));
        run.lastEvent().ifPresent(e -> facts.add(new Fact("epoch", Long.toString(e.lng(Fields.EPOCH)))));
        run.lastEventWithLoss().ifPresent(e -> {
            facts.add(new Fact("loss", NumberFormats.f(e.num(Fields.LOSS), 4)));
            if (e.has(Fields.ACCURACY)) {
                facts.add(new Fact("accuracy", NumberFormats.f(e.num(Fields.ACCURACY), 4)));
            }
        });
        run.settings().forEach((k, v) -> facts.add(new Fact(k, text(v))));
        long firing = run.alertEpisodes().stream().filter(a -> FIRING.equals(a.str(Fields.STATUS))).count();
        facts.add(new Fact("alerts", run.alertEpisodes().size() + " (" + firing + " firing)"));
        firstDeath(run).ifPresent(s -> facts.add(new Fact("first dead filter", "step " + s)));
        return facts;
    }

    /** The first step at which any layer had a dead filter. */
    static Optional<Long> firstDeath(RunHistory run) {
        long first = Long.MAX_VALUE;
        for (List<Row> rows : run.layerHistory.values()) {
            for (Row r : rows) {
                if (r.lng(Fields.DEAD) > 0) {
                    first = Math.min(first, r.lng(Fields.STEP));
                    break;
                }
            }
        }
        return first == Long.MAX_VALUE ? Optional.empty() : Optional.of(first);
    }

    /** Settings (union of the runs' keys), outcome, the caller's rows, then dead filters per layer as the paper's tables compare settings. */
    static Comparison comparison(List<RunHistory> runs, List<ComparisonRow> extraRows) {
        List<ComparisonRow> rows = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.settings().keySet()));
        for (String k : keys) {
            rows.add(new ComparisonRow(k, runs.stream().map(r -> text(r.settings().getOrDefault(k, "-"))).toList()));
        }
        rows.add(new ComparisonRow("steps", runs.stream().map(r -> Long.toString(r.lastStep())).toList()));
        rows.add(new ComparisonRow("dead filters", runs.stream().map(r -> r.totals()[3] + " of " + r.totals()[0]).toList()));
        rows.add(new ComparisonRow("dead fraction", runs.stream().map(r -> NumberFormats.pct(deadFraction(r.totals()))).toList()));
        rows.add(new ComparisonRow("first dead filter", runs.stream().map(r -> firstDeath(r).map(s -> "step " + s).orElse("none")).toList()));
        rows.add(new ComparisonRow("alerts", runs.stream().map(r -> Integer.toString(r.alertEpisodes().size())).toList()));
        for (ComparisonRow extra : extraRows) {
            if (extra.values().size() != runs.size()) {
                throw new IllegalArgumentException("row " + extra.label() + " has " + extra.values().size() + " values for " + runs.size() + " runs");
            }
            rows.add(extra);
        }
        Set<String> layers = new LinkedHashSet<>();
        runs.forEach(r -> layers.addAll(r.layerHistory.keySet()));
        for (String l : layers) {
            rows.add(new ComparisonRow("dead in " + l, runs.stream().map(r -> {
                List<Row> h = r.layerHistory.get(l);
                if (h == null || h.isEmpty()) {
                    return "-";
                }
                Row last = h.get(h.size() - 1);
                return last.lng(Fields.DEAD) + " of " + last.lng(Fields.FILTER_COUNT);
            }).toList()));
        }
        return new Comparison(runs.stream().map(r -> r.runId).toList(), rows);
    }

    /** The alert episodes, each since the step it first fired. */
    static List<AlertRow> alertRows(RunHistory run) {
        Map<String, Long> firstFiring = new LinkedHashMap<>();
        for (Row a : run.alerts) {
            if (FIRING.equals(a.str(Fields.STATUS))) {
                firstFiring.putIfAbsent(episodeKey(a), a.lng(Fields.STEP));
            }
        }
        List<AlertRow> rows = new ArrayList<>();
        for (Row a : run.alertEpisodes()) {
            boolean firing = FIRING.equals(a.str(Fields.STATUS));
            rows.add(new AlertRow(firing, firstFiring.getOrDefault(episodeKey(a), a.lng(Fields.STEP)), firing ? null : a.lng(Fields.STEP),
                    text(a.str(Fields.STATUS)), text(a.str(Tags.SEVERITY)), text(a.str(Tags.RULE)), text(a.str(Tags.LAYER)),
                    text(a.str(Fields.SUMMARY))));
        }
        return rows;
    }

    private static String episodeKey(Row a) {
        return a.str(Fields.ID) == null || a.str(Fields.ID).isEmpty() ? a.str(Tags.RULE) + "/" + a.str(Tags.LAYER) : a.str(Fields.ID);
    }

    static PlanSection planSection(PruningPlans.Plan fetched) {
        PruningPlan plan = fetched.plan();
        if (plan == null) {
            return new PlanSection(text(fetched.source()), false, null, 0, null, null, null, List.of(), List.of());
        }
        List<PlanLayerRow> layers = new ArrayList<>();
        for (PruningPlan.LayerPlan l : plan.layers()) {
            layers.add(new PlanLayerRow(l.layer(), l.residualGroup(), l.filterCount(), Excerpt.of(l.removable(), IDS_SHOWN),
                    foldRows(l.folds()),
                    Excerpt.of(l.blocked().stream().map(b -> new BlockedRow(b.filter(), text(b.reason()))).toList(), BLOCKED_SHOWN),
                    l.paramsSaved() == null ? "?" : NumberFormats.thousands(l.paramsSaved()),
                    l.flopsSaved() == null ? "?" : NumberFormats.thousands(l.flopsSaved())));
        }
        List<ResidualGroupRow> groups = new ArrayList<>();
        for (PruningPlan.ResidualGroup g : plan.residualGroups()) {
            groups.add(new ResidualGroupRow(g.name(), String.join(", ", g.members()), Excerpt.of(g.removable(), IDS_SHOWN),
                    foldRows(g.folds()), g.blocked().size()));
        }
        return new PlanSection(text(fetched.source()), true, plan.step() > 0 ? plan.step() : null, plan.removableFilters(),
                plan.paramsSaved() == null ? null : NumberFormats.thousands(plan.paramsSaved()),
                plan.paramsSaved() == null ? null : NumberFormats.thousands(plan.flopsSaved() == null ? 0 : plan.flopsSaved()),
                plan.note(), layers, groups);
    }

    /** One row per (folded filter, consumer). */
    private static Excerpt<FoldRow> foldRows(List<PruningPlan.Fold> folds) {
        List<FoldRow> rows = new ArrayList<>();
        for (PruningPlan.Fold f : folds) {
            for (PruningPlan.FoldTarget t : f.into()) {
                rows.add(new FoldRow(f.filter(), NumberFormats.sci(t.constant()), text(t.layer())));
            }
        }
        return Excerpt.of(rows, FOLDS_SHOWN);
    }

    /** The series of one run's charts. */
    static RunCharts charts(RunHistory run) {
        List<LayerSeries> layers = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : run.layerHistory.entrySet()) {
            List<Row> rows = e.getValue();
            Row last = rows.get(rows.size() - 1);
            List<Long> bins = new ArrayList<>();
            for (Field bin : Fields.SELECTIVITY_BINS) {
                bins.add(last.lng(bin));
            }
            layers.add(new LayerSeries(e.getKey(), last.integer(Fields.LAYER_INDEX), last.lng(Fields.FILTER_COUNT),
                    last.lng(Fields.ALIVE) + last.lng(Fields.REVIVED), last.lng(Fields.DYING), last.lng(Fields.SILENT),
                    last.lng(Fields.DEAD),
                    rows.stream().map(r -> r.lng(Fields.STEP)).toList(),
                    rows.stream().map(r -> finite(r, Fields.DEAD_FRACTION)).toList(),
                    rows.stream().map(r -> positive(r, Fields.MEDIAN_GAMMA_DOMINANCE)).toList(),
                    rows.stream().map(r -> positive(r, Fields.MEDIAN_BETA_DOMINANCE)).toList(),
                    bins));
        }
        Map<Long, EpochPoint> epochs = new TreeMap<>(); // one point per step (EPOCH_END and FINISHED may share one)
        for (Row e : run.events) {
            if (e.has(Fields.LOSS) && ("EPOCH_END".equals(e.str(Tags.TYPE)) || "FINISHED".equals(e.str(Tags.TYPE)))) {
                epochs.putIfAbsent(e.lng(Fields.STEP), new EpochPoint(e.lng(Fields.STEP), e.lng(Fields.EPOCH),
                        finite(e, Fields.LOSS), finite(e, Fields.ACCURACY)));
            }
        }
        List<AlertPoint> alerts = new ArrayList<>();
        for (Row a : run.alerts) {
            String layer = a.str(Tags.LAYER);
            String where = InfluxSchema.NO_LAYER.equals(layer) || layer == null ? "" : " " + layer;
            alerts.add(new AlertPoint(a.lng(Fields.STEP), a.str(Tags.RULE) + where,
                    a.str(Tags.SEVERITY), a.str(Fields.STATUS), a.str(Fields.SUMMARY)));
        }
        return new RunCharts(run.runId, run.status(), layers,
                run.runStats.stream().map(r -> r.lng(Fields.STEP)).toList(),
                run.runStats.stream().map(r -> finite(r, Fields.DEAD_FRACTION)).toList(),
                new ArrayList<>(epochs.values()), alerts);
    }

    private static Double finite(Row r, Field k) {
        double v = r.num(k);
        return Double.isFinite(v) ? v : null;
    }

    private static Double positive(Row r, Field k) {
        double v = r.num(k);
        return Double.isFinite(v) && v > 0 ? v : null;
    }

    /** Missing text shows as nothing. */
    private static String text(String s) {
        return Objects.toString(s, "");
    }
}
