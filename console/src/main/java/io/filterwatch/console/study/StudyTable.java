package io.filterwatch.console.study;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.filterwatch.console.NumberFormats;
import io.filterwatch.console.ReportModel.ComparisonRow;

/**
 * The study's table like the paper's: one row per setting, in grid order. Two Markdown tables
 * (dead filters by each test, per layer; then training and test accuracy, selectivity, alerts),
 * and the same numbers as rows of the HTML report's side-by-side table.
 */
public final class StudyTable {

    private StudyTable() {
    }

    public static String markdown(List<StudyResult> results, List<StudySetting> missing) {
        StringBuilder md = new StringBuilder();
        List<String> layers = layerNames(results);
        md.append("### Dead filters at the end of training\n\n");
        md.append("Dead = either of the paper's tests (the probe's headline). Activation: silent on every training sample of the last ")
                .append("epoch (corpus-wide). Scale: |gamma| < 1e-3 on the last snapshot. Per layer: activation / scale. ")
                .append("Silent: no firing in the trailing window (early warning, not dead).\n\n");
        List<String> head = new ArrayList<>(List.of("setting", "optimizer", "lr", "L2", "decay", "batch", "seed", "dead", "activation",
                "scale"));
        layers.forEach(l -> head.add(l + " (" + filtersOf(results, l) + ")"));
        head.add("silent");
        row(md, head);
        row(md, head.stream().map(h -> "---").toList());
        for (StudyResult r : results) {
            StudySetting s = r.setting();
            List<String> cells = new ArrayList<>(List.of(s.name(), s.optimizer(), s.lr(), s.l2(), s.weightDecay(), Integer.toString(s.batch()),
                    Long.toString(s.seed()), share(r.dead(), r.filters()),
                    r.activationDecided() ? Integer.toString(r.deadByActivation()) : r.deadByActivation() + " (undecided)",
                    Integer.toString(r.deadByScale())));
            for (String l : layers) {
                cells.add(r.layers().stream().filter(c -> c.layer().equals(l)).findFirst()
                        .map(c -> c.deadByActivation() + " / " + c.deadByScale()).orElse("-"));
            }
            cells.add(Integer.toString(r.silent()));
            row(md, cells);
        }
        md.append("\n### Training, test accuracy, selectivity, alerts\n\n");
        md.append("Train loss and accuracy: the training batches since the last epoch boundary (the trainer's last EPOCH_END). ")
                .append("Test: the final checkpoint on the test split. Selective: filters off on at least half the sampled ")
                .append("training images (selectivity >= 0.5), over the filters with a selectivity.\n\n");
        List<String> head2 = List.of("setting", "steps", "samples", "train loss", "train acc", "test acc", "test loss", "selective",
                "first dead", "alert episodes");
        row(md, head2);
        row(md, head2.stream().map(h -> "---").toList());
        for (StudyResult r : results) {
            row(md, List.of(r.setting().name(), Long.toString(r.steps()), samples(r), num(r.trainLoss(), 3), num(r.trainAccuracy(), 3),
                    r.test() == null ? "-" : NumberFormats.f(r.test().accuracy(), 4), r.test() == null ? "-" : NumberFormats.f(r.test().loss(), 3),
                    NumberFormats.pct(r.selectiveShare()), r.firstDeadStep() == null ? "never" : "step " + r.firstDeadStep(),
                    r.episodes() == 0 ? "0" : r.episodes() + " (" + r.episodeRules() + ")"));
        }
        if (!missing.isEmpty()) {
            md.append("\nNot recorded (no row above): ").append(String.join(", ", missing.stream().map(StudySetting::name).toList())).append(".\n");
        }
        return md.toString();
    }

    /** The study's numbers as rows of the report's side-by-side table, one value per run. */
    public static List<ComparisonRow> reportRows(List<StudyResult> results) {
        List<ComparisonRow> rows = new ArrayList<>();
        rows.add(new ComparisonRow("seed", results.stream().map(r -> Long.toString(r.setting().seed())).toList()));
        rows.add(new ComparisonRow("dead by activation (last epoch)", results.stream().map(r -> Integer.toString(r.deadByActivation())).toList()));
        rows.add(new ComparisonRow("dead by scale (|γ| < 1e-3)", results.stream().map(r -> Integer.toString(r.deadByScale())).toList()));
        rows.add(new ComparisonRow("silent (early warning)", results.stream().map(r -> Integer.toString(r.silent())).toList()));
        rows.add(new ComparisonRow("selective filters", results.stream().map(r -> NumberFormats.pct(r.selectiveShare())).toList()));
        rows.add(new ComparisonRow("train loss (last epoch part)", results.stream().map(r -> num(r.trainLoss(), 3)).toList()));
        rows.add(new ComparisonRow("train accuracy", results.stream().map(r -> num(r.trainAccuracy(), 3)).toList()));
        rows.add(new ComparisonRow("test accuracy", results.stream()
                .map(r -> r.test() == null ? "-" : NumberFormats.f(r.test().accuracy(), 4)).toList()));
        return rows;
    }

    private static String samples(StudyResult r) {
        return String.format(Locale.ROOT, "%,d", r.trainingSamples());
    }

    private static List<String> layerNames(List<StudyResult> results) {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(r -> r.layers().forEach(l -> names.add(l.layer())));
        return new ArrayList<>(names);
    }

    private static int filtersOf(List<StudyResult> results, String layer) {
        return results.stream().flatMap(r -> r.layers().stream()).filter(l -> l.layer().equals(layer))
                .mapToInt(StudyResult.LayerCounts::filters).max().orElse(0);
    }

    private static String share(int dead, int filters) {
        return dead + " of " + filters + " (" + NumberFormats.pct(filters == 0 ? Double.NaN : dead / (double) filters) + ")";
    }

    private static String num(Double v, int decimals) {
        return v == null ? "-" : NumberFormats.f(v, decimals);
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append("| ").append(String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
    }
}
