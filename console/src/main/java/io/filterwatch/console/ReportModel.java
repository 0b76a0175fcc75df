package io.filterwatch.console;

import java.util.List;

/**
 * What the HTML report shows, shaped for its templates ({@code templates/report.html} and its includes):
 * plain values, numbers already formatted as the page prints them, no HTML. Built by
 * {@link ReportModelBuilder}; rendered by {@link HtmlReport}, which escapes every value.
 *
 * @param title       "FilterWatch report: A", "FilterWatch report: A vs B", or "FilterWatch report: N runs side by side"
 * @param generatedAt when the report was made, UTC
 * @param source      where the numbers come from, as the page's header says it ("InfluxDB (database filterwatch)")
 * @param runs        one or more runs, in the order asked for
 * @param comparison  the settings-and-outcome table of two or more runs; null for one run
 */
public record ReportModel(String title, String generatedAt, String source, List<RunSection> runs, Comparison comparison) {

    /** Two or more runs side by side. */
    public boolean compare() {
        return comparison != null;
    }

    /**
     * The CSS grid of the per-run cards and charts: one column for one run, two for two (as before
     * N runs), and for more as many as fit the page ({@code colsn}).
     */
    public String columns() {
        return runs.size() <= 2 ? "cols" + runs.size() : "colsn";
    }

    /**
     * One run's part of the page: headline card, alert table, pruning plan, and the series its charts draw.
     *
     * @param index       0, 1, ...: the suffix of its canvases' ids ({@code dead-0}, ...)
     * @param statusClass the status in lower case, for the badge's colour
     */
    public record RunSection(int index, String runId, String status, String statusClass, Headline headline,
                             List<Fact> facts, List<AlertRow> alerts, PlanSection plan, RunCharts charts) {
    }

    /**
     * The big number of the headline card: dead filters over all conv filters, at the latest statistics.
     *
     * @param deadShare  formatted, e.g. "18.8%"
     * @param severity   good (none dead), warn (some), bad (30% or more)
     */
    public record Headline(String deadShare, String severity, long filters, long dead, long deadByActivation,
                           long deadByScale, long dying) {
    }

    /** One line of a key-value table. */
    public record Fact(String label, String value) {
    }

    /**
     * The table of the runs side by side: their settings (union of keys, "-" where one lacks it), outcome,
     * rows the caller adds (the study's), and dead filters per layer.
     */
    public record Comparison(List<String> runIds, List<ComparisonRow> rows) {
    }

    public record ComparisonRow(String label, List<String> values) {
    }

    /**
     * One alert episode at its latest point.
     *
     * @param sinceStep  the step it first fired (or its only step)
     * @param untilStep  the step of its latest point when that is not FIRING; null while it fires
     */
    public record AlertRow(boolean firing, long sinceStep, Long untilStep, String status, String severity, String rule,
                           String layer, String summary) {
    }

    /**
     * The aggregator's pruning plan of a run, or why there is none.
     *
     * @param source    where it came from, or why there is none
     * @param available false: only {@code source} is shown
     * @param step      the plan's step; null when not positive
     * @param paramsSaved formatted with thousands separators; null when the plan has no savings (no topology)
     * @param note      the plan's note, or null
     */
    public record PlanSection(String source, boolean available, Long step, int removableFilters, String paramsSaved,
                              String flopsSaved, String note, List<PlanLayerRow> layers, List<ResidualGroupRow> residualGroups) {
    }

    /**
     * @param paramsSaved "?" when unknown
     */
    public record PlanLayerRow(String layer, String residualGroup, int filterCount, Excerpt<Integer> removable,
                               Excerpt<FoldRow> folds, Excerpt<BlockedRow> blocked, String paramsSaved, String flopsSaved) {
    }

    /** A filter folded away: its constant added to {@code into}'s running mean or bias. */
    public record FoldRow(int filter, String constant, String into) {
    }

    /** A filter the plan keeps, and why. */
    public record BlockedRow(int filter, String reason) {
    }

    public record ResidualGroupRow(String name, String members, Excerpt<Integer> removable, Excerpt<FoldRow> folds,
                                   int kept) {
    }

    /**
     * The first items of a longer list, as a table cell shows them.
     *
     * @param total how many there are in all
     * @param more  whether some were left out
     */
    public record Excerpt<T>(List<T> shown, int total, boolean more) {

        static <T> Excerpt<T> of(List<T> all, int limit) {
            return new Excerpt<>(all.size() > limit ? List.copyOf(all.subList(0, limit)) : List.copyOf(all), all.size(),
                    all.size() > limit);
        }

        public boolean isEmpty() {
            return total == 0;
        }
    }

    /** The series of one run's charts, as the page's script reads them (serialised to JSON as {@code FW_DATA[i]}). */
    public record RunCharts(String runId, String status, List<LayerSeries> layers, List<Long> runSteps,
                            List<Double> runDeadFraction, List<EpochPoint> epochs, List<AlertPoint> alerts) {
    }

    /**
     * One layer: its latest counts, its series over steps (null where a value is missing or, for the
     * dominances, not positive), and its latest selectivity histogram (10 bins of 10%).
     */
    public record LayerSeries(String name, int index, long filters, long alive, long dying, long silent, long dead,
                              List<Long> steps, List<Double> deadFraction, List<Double> gammaDominance,
                              List<Double> betaDominance, List<Long> selBins) {
    }

    /** Loss and accuracy at the end of an epoch (or of the run). */
    public record EpochPoint(long step, long epoch, Double loss, Double accuracy) {
    }

    /** One alert transition on the timeline; {@code rule} is the rule and, if any, the layer. */
    public record AlertPoint(long step, String rule, String severity, String status, String summary) {
    }
}
