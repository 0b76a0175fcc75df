package io.filterwatch.console.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyGridTest {

    static final List<String> GRID = List.of(
            "# name  optimizer lr l2 weight-decay momentum batch seed steps",
            "",
            "sgd-none    sgd   0.1   0     0     0.9  64  42 3000",
            "  adamw-wd-1e-3 AdamW 5e-3  0  1e-3  0.9 256  43 1500   ");

    @Test
    void readsTheGridFormatSkippingCommentsAndBlanks() {
        List<StudySetting> s = StudyGrid.parse(GRID, "grid.txt");
        assertThat(s).containsExactly(
                new StudySetting("sgd-none", "sgd", "0.1", "0", "0", "0.9", 64, 42, 3000),
                new StudySetting("adamw-wd-1e-3", "adamw", "5e-3", "0", "1e-3", "0.9", 256, 43, 1500));
        assertThat(s.get(1).runId()).isEqualTo("study-adamw-wd-1e-3");
        // a printed line reads back as the same setting
        assertThat(StudyGrid.parse(List.of(s.get(1).gridLine()), "x")).containsExactly(s.get(1));
    }

    @Test
    void theCommittedGridHasTheElevenSettingsOfIssue19() throws IOException {
        Path grid = Path.of("..", "dev", "study-grid.txt");
        List<StudySetting> s = StudyGrid.read(grid);
        assertThat(s).hasSize(11);
        assertThat(s).filteredOn(x -> x.optimizer().equals("adamw")).extracting(StudySetting::weightDecay)
                .containsExactly("1e-4", "5e-4", "1e-3");
        assertThat(s).filteredOn(x -> x.optimizer().equals("adam") && x.batch() == 64 && x.seed() == 42)
                .extracting(StudySetting::l2).containsExactly("0", "1e-4", "5e-4", "1e-3");
        // the same 192,000 training samples for every row: 3,000 steps at batch 64, 750 at batch 256
        assertThat(s).allMatch(x -> x.steps() * x.batch() == 192_000);
    }

    @Test
    void badLinesAreNamedWithTheirLineNumber() {
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a sgd 0.1 0 0 0.9 64 42"), "g"))
                .hasMessage("g:1: expected 9 columns (name optimizer lr l2 weight-decay momentum batch seed steps), got 8");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("#", "a sgd 0.1 x 0 0.9 64 42 10"), "g")).hasMessageStartingWith("g:2: not a number");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a adamw 5e-3 1e-3 0 0.9 64 42 10"), "g"))
                .hasMessage("g:1: adamw takes weight-decay, not l2");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a adam 5e-3 0 1e-3 0.9 64 42 10"), "g"))
                .hasMessage("g:1: adam takes l2, not weight-decay (that is adamw's)");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a sgd 0.1 0 0 0.9 64 42 10", "a adam 0.1 0 0 0.9 64 42 10"), "g"))
                .hasMessage("g:2: setting a is already on line 1");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a/b sgd 0.1 0 0 0.9 64 42 10"), "g")).hasMessageContaining("name a/b must match");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("a lion 0.1 0 0 0.9 64 42 10"), "g")).hasMessageContaining("optimizer lion");
        assertThatThrownBy(() -> StudyGrid.parse(List.of("# only a comment"), "g")).hasMessage("g: no settings");
    }

    @Test
    void flagsGiveTheCrossProductWithEachOptimizersRegulariser() {
        List<StudySetting> s = StudyGrid.cross(List.of("adam", "adamw"), List.of("5e-3"), List.of("0", "1e-3"), List.of("1e-3"),
                List.of(64, 256), List.of(42L), 3000, "0.9");
        assertThat(s).extracting(StudySetting::name).containsExactly(
                "adam-lr5e-3-l2-0-b64-s42", "adam-lr5e-3-l2-0-b256-s42", "adam-lr5e-3-l2-1e-3-b64-s42", "adam-lr5e-3-l2-1e-3-b256-s42",
                "adamw-lr5e-3-wd-1e-3-b64-s42", "adamw-lr5e-3-wd-1e-3-b256-s42");
        assertThat(s.get(4)).isEqualTo(new StudySetting("adamw-lr5e-3-wd-1e-3-b64-s42", "adamw", "5e-3", "0", "1e-3", "0.9", 64, 42, 3000));
    }

    @Test
    void aSettingWithItsRecordingIsNotTrainedAgain(@TempDir Path dir) throws IOException {
        List<StudySetting> s = StudyGrid.parse(List.of("done sgd 0.1 0 0 0.9 64 42 10", "empty sgd 0.1 0 0 0.9 64 42 10",
                "partial sgd 0.1 0 0 0.9 64 42 10", "todo sgd 0.1 0 0 0.9 64 42 10"), "g");
        Files.writeString(dir.resolve("done.fwrec.gz"), "x");
        Files.createFile(dir.resolve("empty.fwrec.gz"));           // an empty file is not a recording
        Files.writeString(dir.resolve("partial.fwrec.gz.tmp"), "x"); // `record` still writing: not finished
        assertThat(StudyGrid.pending(s, dir)).extracting(StudySetting::name).containsExactly("empty", "partial", "todo");
    }
}
