package io.filterwatch.console.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.console.RunHistory;
import io.filterwatch.console.backtest.Backtest;
import io.filterwatch.console.backtest.Recording;
import io.filterwatch.console.backtest.RunOutcome;
import io.filterwatch.probe.ProbeSettings;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/**
 * One setting's numbers from its recording, replayed in process through the probe's
 * {@code SnapshotProcessor} and the aggregator's {@code StreamProcessor} (console backtest's path,
 * {@link Backtest}), with the probe's and the rules' default settings: the last layer summary of
 * every layer, the run events and the alert episodes, plus the test score the trainer's evaluate
 * mode wrote. Also what InfluxDB would hold for the run ({@link RunHistory}), for the HTML report.
 */
public final class StudyAnalysis {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result and the run's history as the report reads it. */
    public record Analysed(StudyResult result, RunHistory history) {
    }

    private StudyAnalysis() {
    }

    public static Analysed analyse(StudySetting setting, Path recording, Path evaluation) throws IOException {
        return analyse(setting, setting.runId(), recording, evaluation);
    }

    /** As above, for the run {@code runId} of the recording (a recording made outside a study has its own run id). */
    public static Analysed analyse(StudySetting setting, String runId, Path recording, Path evaluation) throws IOException {
        Map<Integer, LayerStat> last = new TreeMap<>();
        long[] firstDead = {Long.MAX_VALUE};
        List<String> points = new ArrayList<>();
        Backtest replay = new Backtest(ProbeSettings.defaults(), AlertSettings.withOverrides(Map.of()))
                .onLayerStats(ls -> {
                    if (ls.runId().equals(runId)) {
                        last.put(ls.layerIndex(), ls);
                        if (ls.dead() > 0) {
                            firstDead[0] = Math.min(firstDead[0], ls.step());
                        }
                    }
                })
                .onPoints(points::add);
        replay.replay(Recording.read(recording));
        RunOutcome outcome = replay.outcomes().stream().filter(o -> o.runId().equals(runId)).findFirst()
                .orElseThrow(() -> new IOException(recording + " holds no run " + runId));
        RunHistory history = RunHistory.fromPoints(runId, points);

        List<StudyResult.LayerCounts> layers = new ArrayList<>();
        boolean decided = !last.isEmpty();
        for (LayerStat s : last.values()) {
            layers.add(counts(s));
            decided &= s.activationTestDecided();
        }
        Row epochEnd = null;
        for (Row e : history.events) {
            if ("EPOCH_END".equals(e.str(Tags.TYPE)) && e.has(Fields.LOSS)) {
                epochEnd = e;
            }
        }
        StringBuilder rules = new StringBuilder();
        for (AlertRule r : AlertRule.values()) {
            long n = outcome.episodesOf(r);
            if (n > 0) {
                rules.append(rules.length() == 0 ? "" : ", ").append(r.ruleName()).append(n == 1 ? "" : " x" + n);
            }
        }
        StudyResult result = new StudyResult(setting, outcome.maxStep(), outcome.maxStep() * setting.batch(), layers, decided,
                epochEnd == null ? null : epochEnd.num(Fields.LOSS),
                epochEnd == null || !epochEnd.has(Fields.ACCURACY) ? null : epochEnd.num(Fields.ACCURACY),
                evaluation != null && Files.isRegularFile(evaluation) ? testScore(evaluation) : null,
                outcome.episodes().size(), rules.toString(), firstDead[0] == Long.MAX_VALUE ? null : firstDead[0]);
        return new Analysed(result, history);
    }

    static StudyResult.LayerCounts counts(LayerStat s) {
        int selective = 0;
        int with = 0;
        List<Integer> bins = s.selectivityHistogram() == null ? List.of() : s.selectivityHistogram();
        for (int b = 0; b < bins.size(); b++) {
            int n = bins.get(b) == null ? 0 : bins.get(b);
            with += n;
            if (b >= Math.round(StudyResult.SELECTIVE * LayerStat.SELECTIVITY_BINS)) {
                selective += n;
            }
        }
        return new StudyResult.LayerCounts(s.layer(), s.filterCount(), s.dead(), s.deadByActivation(), s.deadByScale(), s.silent(),
                selective, with);
    }

    /** The evaluate mode's JSON line ({@code {"runId":..,"step":..,"samples":..,"accuracy":..,"loss":..}}). */
    static StudyResult.TestScore testScore(Path evaluation) throws IOException {
        String text = Files.readString(evaluation).strip();
        // the last line holding the result: a log line may precede it
        String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException(evaluation + " holds no evaluation (a JSON line)"));
        JsonNode n = JSON.readTree(line);
        return new StudyResult.TestScore(n.path("step").asLong(), n.path("samples").asInt(), n.path("accuracy").asDouble(Double.NaN),
                n.path("loss").asDouble(Double.NaN));
    }
}
