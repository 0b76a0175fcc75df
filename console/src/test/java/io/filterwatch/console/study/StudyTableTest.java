package io.filterwatch.console.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.filterwatch.console.ReportModel.ComparisonRow;
import io.filterwatch.console.study.StudyResult.LayerCounts;

/** The table from hand-made results, every cell checked by hand. */
class StudyTableTest {

    static final StudySetting ADAM = new StudySetting("adam-l2", "adam", "5e-3", "1e-3", "0", "0.9", 64, 42, 3000);
    static final StudySetting SGD = new StudySetting("sgd", "sgd", "0.1", "0", "0", "0.9", 64, 42, 3000);

    /** conv1 8 filters, conv2 16: 3 + 5 dead = 8 of 24; selective 2 + 4 of 6 + 14 with a selectivity. */
    static StudyResult adam() {
        return new StudyResult(ADAM, 3000, 192_000, List.of(
                new LayerCounts("conv1", 8, 3, 3, 1, 0, 2, 6),
                new LayerCounts("conv2", 16, 5, 4, 2, 1, 4, 14)), true, 0.3127, 0.8912,
                new StudyResult.TestScore(3000, 10_000, 0.87654, 0.3456), 2, "layer-dying-filters, layer-dead-fraction", 1100L);
    }

    static StudyResult sgd() {
        return new StudyResult(SGD, 3000, 192_000, List.of(
                new LayerCounts("conv1", 8, 0, 0, 0, 0, 0, 8),
                new LayerCounts("conv2", 16, 0, 0, 0, 0, 0, 16)), false, null, null, null, 0, "", null);
    }

    @Test
    void markdownHasOneRowPerSettingWithEachTestApart() {
        String md = StudyTable.markdown(List.of(adam(), sgd()), List.of(new StudySetting("b256", "adam", "5e-3", "1e-3", "0", "0.9", 256, 42, 3000)));
        assertThat(md).contains(
                "| setting | optimizer | lr | L2 | decay | batch | seed | dead | activation | scale | conv1 (8) | conv2 (16) | silent |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                        + "| adam-l2 | adam | 5e-3 | 1e-3 | 0 | 64 | 42 | 8 of 24 (33.3%) | 7 | 3 | 3 / 1 | 4 / 2 | 1 |\n"
                        + "| sgd | sgd | 0.1 | 0 | 0 | 64 | 42 | 0 of 24 (0.0%) | 0 (undecided) | 0 | 0 / 0 | 0 / 0 | 0 |\n");
        assertThat(md).contains(
                "| setting | steps | samples | train loss | train acc | test acc | test loss | selective | first dead | alert episodes |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                        + "| adam-l2 | 3000 | 192,000 | 0.313 | 0.891 | 0.8765 | 0.346 | 30.0% | step 1100 | 2 (layer-dying-filters, layer-dead-fraction) |\n"
                        + "| sgd | 3000 | 192,000 | - | - | - | - | 0.0% | never | 0 |\n");
        assertThat(md).endsWith("\nNot recorded (no row above): b256.\n");
    }

    @Test
    void theReportsSideBySideRowsCarryOneValuePerRun() {
        List<ComparisonRow> rows = StudyTable.reportRows(List.of(adam(), sgd()));
        assertThat(rows).contains(new ComparisonRow("dead by activation (last epoch)", List.of("7", "0")),
                new ComparisonRow("dead by scale (|γ| < 1e-3)", List.of("3", "0")),
                new ComparisonRow("selective filters", List.of("30.0%", "0.0%")),
                new ComparisonRow("test accuracy", List.of("0.8765", "-")));
    }
}
