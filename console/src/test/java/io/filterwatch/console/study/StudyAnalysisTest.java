package io.filterwatch.console.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.console.backtest.Backtest;
import io.filterwatch.console.backtest.Recording;
import io.filterwatch.console.backtest.RunOutcome;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.Topics;

/** A real recording of the backtest corpus (Adam lr 5e-3, L2 3e-3, 2,400 steps: filters die) through the study's analysis. */
class StudyAnalysisTest {

    static final String CORPUS = "/corpus/collapsing-adam-lr5e-3-l2-3e-3.fwrec.gz";

    @Test
    void theTableAgreesWithTheBacktestAndTheReportWithTheTable(@TempDir Path dir) throws Exception {
        Path rec = Path.of(StudyAnalysisTest.class.getResource(CORPUS).toURI());
        List<Recording.Entry> entries = Recording.read(rec);
        String runId = Topics.runIdOfKey(entries.get(0).key());
        Path eval = dir.resolve("x.json");
        Files.writeString(eval, "INFO a log line\n{\"runId\":\"" + runId + "\",\"dataset\":\"fashion-mnist-t10k\",\"step\":2400,"
                + "\"samples\":10000,\"correct\":8123,\"accuracy\":0.812300,\"loss\":0.512000}\n");
        StudySetting setting = new StudySetting("x", "adam", "5e-3", "3e-3", "0", "0.9", 64, 42, 2400);

        StudyAnalysis.Analysed a = StudyAnalysis.analyse(setting, runId, rec, eval);
        StudyResult r = a.result();

        Backtest backtest = new Backtest(ProbeSettings.defaults(), AlertSettings.withOverrides(Map.of()));
        backtest.replay(entries);
        RunOutcome o = backtest.outcomes().get(0);
        assertThat(r.layers()).extracting(StudyResult.LayerCounts::dead).containsExactlyElementsOf(o.finalDeadPerLayer().values());
        assertThat(r.episodes()).isEqualTo(o.episodes().size());
        assertThat(r.steps()).isEqualTo(2400);
        assertThat(r.trainingSamples()).isEqualTo(2400 * 64);
        assertThat(r.filters()).isEqualTo(320);
        assertThat(r.dead()).isPositive();
        // the headline is either test: at least each one's count, at most their sum
        assertThat(r.dead()).isBetween(Math.max(r.deadByActivation(), r.deadByScale()), r.deadByActivation() + r.deadByScale());
        assertThat(r.activationDecided()).isTrue(); // 153,600 samples: more than Fashion-MNIST's 60,000 epoch
        assertThat(r.trainLoss()).isNotNull().isPositive();
        assertThat(r.trainAccuracy()).isBetween(0.0, 1.0);
        assertThat(r.test()).isEqualTo(new StudyResult.TestScore(2400, 10_000, 0.8123, 0.512));
        assertThat(r.firstDeadStep()).isNotNull().isLessThan(2400);
        assertThat(r.selectiveShare()).isBetween(0.0, 1.0);

        // the report's rows (what InfluxDB would hold) say the same
        assertThat(a.history().runId).isEqualTo(runId);
        assertThat(a.history().totals()[3]).isEqualTo(r.dead());
        assertThat(a.history().layerHistory).hasSize(5);
        assertThat(a.history().status()).isEqualTo("FINISHED");

        // three runs side by side (the same one thrice is enough for the page's shape)
        String html = StudyCommand.html(List.of(a, a, a));
        assertThat(html).contains("data-runs=\"3\"", "<canvas id=\"cmp-dead\">", "<canvas id=\"dead-2\">", "class=\"cards colsn\"",
                "<th>test accuracy</th><td>0.8123</td><td>0.8123</td><td>0.8123</td>",
                "recordings replayed through the probe and the aggregator");
    }
}
