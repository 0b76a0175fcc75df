package io.filterwatch.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.LinePoint;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/**
 * What InfluxDB holds about one run (the aggregator's schema, {@link InfluxSchema}: layer_stats,
 * filter_stats, run_stats, run_events, alerts), loaded in full for a report or just the latest
 * points for the live view.
 */
public final class RunHistory {

    public static final String[] TERMINAL = {"FINISHED", "FAILED", "STOPPED"};

    public final String runId;
    /** Per layer, its layer_stats rows oldest first; layers ordered by layer_index. */
    public final Map<String, List<Row>> layerHistory;
    public final List<Row> runStats;
    public final List<Row> events;
    public final List<Row> alerts;
    /** The latest filter_stats row of every filter, by layer then filter index. */
    public final Map<String, List<Row>> latestFilters;

    RunHistory(String runId, Map<String, List<Row>> layerHistory, List<Row> runStats, List<Row> events, List<Row> alerts,
            Map<String, List<Row>> latestFilters) {
        this.runId = runId;
        this.layerHistory = layerHistory;
        this.runStats = runStats;
        this.events = events;
        this.alerts = alerts;
        this.latestFilters = latestFilters;
    }

    /** Everything for a report. */
    public static RunHistory loadFull(InfluxQueries influx, String runId) {
        List<Row> layers = influx.query(InfluxQueries.selectRun(InfluxSchema.LAYER_STATS, runId) + " ORDER BY time ASC");
        List<Row> runStats = influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_STATS, runId) + " ORDER BY time ASC");
        List<Row> events = influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_EVENTS, runId) + " ORDER BY time ASC");
        List<Row> alerts = influx.query(InfluxQueries.selectRun(InfluxSchema.ALERTS, runId) + " ORDER BY time ASC");
        List<Row> filters = influx.query(InfluxQueries.selectRun(InfluxSchema.FILTER_STATS, runId)
                + " GROUP BY " + Tags.LAYER.name() + ", " + Tags.FILTER.name() + " ORDER BY time DESC LIMIT 1");
        return new RunHistory(runId, byLayer(layers), runStats, events, alerts, filtersByLayer(filters, layers));
    }

    /**
     * What InfluxDB would hold for the run after the aggregator wrote {@code points} (line protocol,
     * its {@code PointMapper}'s): a point with the measurement, tags and time of an earlier one
     * replaces it, as in InfluxDB. Points of other runs are ignored. The study builds its report from a replay this way.
     */
    public static RunHistory fromPoints(String runId, List<String> points) {
        Map<String, LinePoint> stored = new LinkedHashMap<>();
        for (String line : points) {
            LinePoint p = LinePoint.parse(line);
            if (runId.equals(p.tags().get(Tags.RUN.name()))) {
                stored.put(p.seriesKey() + ' ' + p.time(), p);
            }
        }
        Map<String, List<Row>> byMeasurement = new LinkedHashMap<>();
        stored.values().forEach(p -> byMeasurement.computeIfAbsent(p.measurement(), k -> new ArrayList<>()).add(row(p)));
        Comparator<Row> byTime = Comparator.comparingLong(Row::time);
        List<Row> layers = sorted(byMeasurement.get(InfluxSchema.LAYER_STATS.name()), byTime);
        Map<String, Row> latestFilter = new LinkedHashMap<>();
        for (Row r : sorted(byMeasurement.get(InfluxSchema.FILTER_STATS.name()), byTime)) {
            latestFilter.put(r.str(Tags.LAYER) + '\u0000' + r.str(Tags.FILTER), r);
        }
        return new RunHistory(runId, byLayer(layers), sorted(byMeasurement.get(InfluxSchema.RUN_STATS.name()), byTime),
                sorted(byMeasurement.get(InfluxSchema.RUN_EVENTS.name()), byTime), sorted(byMeasurement.get(InfluxSchema.ALERTS.name()), byTime),
                filtersByLayer(new ArrayList<>(latestFilter.values()), layers));
    }

    /** A point as the InfluxQL query would return it: tags and strings as strings, numbers as doubles, time in millis. */
    private static Row row(LinePoint p) {
        Map<String, Object> values = new LinkedHashMap<>(p.tags());
        p.fields().forEach((k, v) -> values.put(k, v instanceof Number n ? n.doubleValue() : v));
        values.put("time", (double) p.time());
        return Row.of(values);
    }

    private static List<Row> sorted(List<Row> rows, Comparator<Row> order) {
        List<Row> out = rows == null ? new ArrayList<>() : new ArrayList<>(rows);
        out.sort(order);
        return out;
    }

    /** The latest point of every layer, the run's events and alerts: what one frame of the live view needs. */
    public static RunHistory loadLatest(InfluxQueries influx, String runId) {
        List<Row> layers = influx.query(InfluxQueries.selectRun(InfluxSchema.LAYER_STATS, runId)
                + " GROUP BY " + Tags.LAYER.name() + " ORDER BY time DESC LIMIT 1");
        List<Row> runStats = influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_STATS, runId) + " ORDER BY time DESC LIMIT 1");
        List<Row> events = influx.query(InfluxQueries.selectRun(InfluxSchema.RUN_EVENTS, runId) + " ORDER BY time ASC");
        List<Row> alerts = influx.query(InfluxQueries.selectRun(InfluxSchema.ALERTS, runId) + " ORDER BY time ASC");
        return new RunHistory(runId, byLayer(layers), runStats, events, alerts, Map.of());
    }

    /** Runs that have any run event or layer statistic, most recently active first. */
    public static List<String> knownRuns(InfluxQueries influx) {
        Map<String, Long> last = new LinkedHashMap<>();
        for (String m : new String[] {InfluxSchema.RUN_EVENTS.name(), InfluxSchema.LAYER_STATS.name()}) {
            for (Row r : influx.query("SELECT last(" + Fields.STEP.name() + ") FROM " + m + " GROUP BY " + Tags.RUN.name())) {
                String run = r.str(Tags.RUN);
                if (run != null) {
                    last.merge(run, r.time(), Math::max);
                }
            }
        }
        List<String> runs = new ArrayList<>(last.keySet());
        runs.sort(Comparator.comparing((String r) -> last.get(r)).reversed());
        return runs;
    }

    private static Map<String, List<Row>> byLayer(List<Row> rows) {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        rows.stream()
                .sorted(Comparator.comparingInt((Row r) -> r.integer(Fields.LAYER_INDEX)).thenComparingLong(Row::time))
                .forEach(r -> m.computeIfAbsent(r.str(Tags.LAYER), k -> new ArrayList<>()).add(r));
        for (List<Row> l : m.values()) {
            l.sort(Comparator.comparingLong((Row r) -> r.lng(Fields.STEP)).thenComparingLong(Row::time));
        }
        return m;
    }

    private static Map<String, List<Row>> filtersByLayer(List<Row> filters, List<Row> layers) {
        Map<String, Integer> index = new TreeMap<>();
        for (Row r : layers) {
            index.put(r.str(Tags.LAYER), r.integer(Fields.LAYER_INDEX));
        }
        Map<String, List<Row>> m = new LinkedHashMap<>();
        filters.stream()
                .sorted(Comparator.comparingInt((Row r) -> index.getOrDefault(r.str(Tags.LAYER), Integer.MAX_VALUE))
                        .thenComparing((Row r) -> r.str(Tags.LAYER))
                        .thenComparingInt(r -> parseInt(r.str(Tags.FILTER))))
                .forEach(r -> m.computeIfAbsent(r.str(Tags.LAYER), k -> new ArrayList<>()).add(r));
        return m;
    }

    static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The latest layer_stats row of each layer, by layer_index. */
    public List<Row> latestLayers() {
        List<Row> out = new ArrayList<>();
        for (List<Row> h : layerHistory.values()) {
            if (!h.isEmpty()) {
                out.add(h.get(h.size() - 1));
            }
        }
        return out;
    }

    public Optional<Row> latestLayer() {
        return latestLayers().stream().max(Comparator.comparingLong(r -> r.lng(Fields.STEP)));
    }

    /** STARTED, RUNNING, or the type of the last terminal event; UNKNOWN without events. */
    public String status() {
        String status = events.isEmpty() ? (layerHistory.isEmpty() ? "UNKNOWN" : "RUNNING") : "RUNNING";
        for (Row e : events) {
            String type = e.str(Tags.TYPE);
            if (isTerminal(type)) {
                status = type;
            } else if ("STARTED".equals(type) && !isTerminal(status)) {
                status = "RUNNING";
            }
        }
        return status;
    }

    public boolean finished() {
        return isTerminal(status());
    }

    static boolean isTerminal(String type) {
        for (String t : TERMINAL) {
            if (t.equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** The highest step seen anywhere (events, layer statistics, run statistics). */
    public long lastStep() {
        long step = 0;
        for (Row e : events) {
            step = Math.max(step, e.lng(Fields.STEP));
        }
        for (Row r : latestLayers()) {
            step = Math.max(step, r.lng(Fields.STEP));
        }
        for (Row r : runStats) {
            step = Math.max(step, r.lng(Fields.STEP));
        }
        return step;
    }

    public Optional<Row> lastEventWithLoss() {
        Row best = null;
        for (Row e : events) {
            if (e.has(Fields.LOSS)) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    public Optional<Row> lastEvent() {
        return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
    }

    /** The alert episodes, keyed by id (or rule+layer), in the order they first appeared; each with its latest point. */
    public List<Row> alertEpisodes() {
        Map<String, Row> latest = new LinkedHashMap<>();
        for (Row a : alerts) {
            String key = a.str(Fields.ID) == null || a.str(Fields.ID).isEmpty()
                    ? a.str(Tags.RULE) + "/" + a.str(Tags.LAYER) : a.str(Fields.ID);
            latest.put(key, a);
        }
        return new ArrayList<>(latest.values());
    }

    /** Training settings as written with the layer statistics (optimizer, lr, L2, weight decay, batch). */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        latestLayer().ifPresent(r -> {
            s.put("optimizer", r.str(Tags.OPTIMIZER));
            if (r.has(Fields.LEARNING_RATE)) {
                s.put("lr", NumberFormats.sci(r.num(Fields.LEARNING_RATE)));
            }
            s.put("L2", r.has(Fields.L2) ? NumberFormats.sci(r.num(Fields.L2)) : "0");
            s.put("weight decay", r.has(Fields.WEIGHT_DECAY) ? NumberFormats.sci(r.num(Fields.WEIGHT_DECAY)) : "0");
            if (r.has(Fields.BATCH_SIZE)) {
                s.put("batch", Long.toString(r.lng(Fields.BATCH_SIZE)));
            }
        });
        return s;
    }

    /**
     * Totals over the latest layer statistics: filters, alive, dying, dead, dead by activation, dead
     * by scale, silent (the early warning, not dead).
     */
    public long[] totals() {
        long[] t = new long[7];
        for (Row r : latestLayers()) {
            t[0] += r.lng(Fields.FILTER_COUNT);
            t[1] += r.lng(Fields.ALIVE) + r.lng(Fields.REVIVED);
            t[2] += r.lng(Fields.DYING);
            t[3] += r.lng(Fields.DEAD);
            t[4] += r.lng(Fields.DEAD_BY_ACTIVATION);
            t[5] += r.lng(Fields.DEAD_BY_SCALE);
            t[6] += r.lng(Fields.SILENT);
        }
        return t;
    }
}
