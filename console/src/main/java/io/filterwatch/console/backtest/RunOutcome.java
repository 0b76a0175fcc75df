package io.filterwatch.console.backtest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.AlertRule;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/**
 * What a backtest saw of one run: every alert episode with its steps, and the numbers the alert goals
 * are stated in (docs/operations.md, "Alerts").
 *
 * @param collapseStep      first step at which a layer's headline dead share reached {@link Backtest#COLLAPSE_SHARE}, or null
 * @param collapseLayer     that layer
 * @param firstCollapseAlertStep first FIRING of a collapse rule ({@link AlertRule#collapse()}), or null
 * @param maxStep           last step seen
 * @param deadLetters       snapshots the probe sent to the dead-letter topic
 */
public record RunOutcome(String runId, String optimizer, long snapshots, long maxStep, List<Episode> episodes, int transitions,
                         Long collapseStep, String collapseLayer, Long firstCollapseAlertStep, Map<String, Integer> finalDeadPerLayer,
                         String endEvent, long deadLetters) {

    /** One alert episode: fired at {@code firingStep}, resolved at {@code resolvedStep} (null: still open at the end). */
    public record Episode(String id, String rule, String layer, long firingStep, Long resolvedStep, String summary) {
    }

    /** Steps from the first collapse alert to the collapse (positive: the alert came first); null if either is missing. */
    public Long leadSteps() {
        return collapseStep == null || firstCollapseAlertStep == null ? null : collapseStep - firstCollapseAlertStep;
    }

    public long episodesOf(AlertRule rule) {
        return episodes.stream().filter(e -> e.rule().equals(rule.ruleName())).count();
    }

    public long collapseEpisodes() {
        return episodes.stream().filter(e -> AlertRule.byName(e.rule()).map(AlertRule::collapse).orElse(false)).count();
    }

    /** The most episodes any one (rule, layer) had. */
    public int maxEpisodesPerRuleAndLayer() {
        Map<String, Integer> n = new HashMap<>();
        episodes.forEach(e -> n.merge(e.rule() + '\u0000' + e.layer(), 1, Integer::sum));
        return n.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The most warnings ({@link AlertRule#layerWarnings()}) any one layer had. */
    public int maxWarningsPerLayer() {
        Map<String, Integer> n = new HashMap<>();
        episodes.stream().filter(e -> AlertRule.byName(e.rule()).map(AlertRule.layerWarnings()::contains).orElse(false))
                .forEach(e -> n.merge(e.layer(), 1, Integer::sum));
        return n.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Episodes that fired again within {@code window} steps after the same (rule, layer) resolved. */
    public int refires(long window) {
        Map<String, Long> lastResolved = new HashMap<>();
        int n = 0;
        for (Episode e : episodes) {
            String k = e.rule() + '\u0000' + e.layer();
            Long r = lastResolved.get(k);
            if (r != null && e.firingStep() - r < window) {
                n++;
            }
            if (e.resolvedStep() != null) {
                lastResolved.put(k, e.resolvedStep());
            }
        }
        return n;
    }

    static final class Builder {
        private final String runId;
        String optimizer;
        long snapshots;
        long deadLetters;
        long maxStep = Long.MIN_VALUE;
        private final Map<String, Integer> episodeIndex = new HashMap<>();
        private final List<Episode> episodes = new ArrayList<>();
        private int transitions;
        private Long collapseStep;
        private String collapseLayer;
        private Long firstCollapseAlert;
        private final Map<String, Integer> lastDead = new TreeMap<>();
        private final Map<String, Integer> layerOrder = new LinkedHashMap<>();
        private String endEvent;

        Builder(String runId) {
            this.runId = runId;
        }

        void onLayerStat(LayerStat s) {
            optimizer = s.optimizer();
            maxStep = Math.max(maxStep, s.step());
            lastDead.put(s.layer(), s.dead());
            layerOrder.putIfAbsent(s.layer(), s.layerIndex());
            if (s.filterCount() > 0 && s.deadFraction() >= Backtest.COLLAPSE_SHARE && (collapseStep == null || s.step() < collapseStep)) {
                collapseStep = s.step();
                collapseLayer = s.layer();
            }
        }

        void onEvent(RunEvent e) {
            maxStep = Math.max(maxStep, e.step());
            if (e.type() == RunEvent.Type.FINISHED || e.type() == RunEvent.Type.FAILED || e.type() == RunEvent.Type.STOPPED) {
                endEvent = e.type().name();
            }
        }

        void onAlert(Alert a) {
            transitions++;
            if (a.status() == Alert.Status.FIRING) {
                episodeIndex.put(a.id(), episodes.size());
                episodes.add(new Episode(a.id(), a.rule(), a.layer() == null ? "-" : a.layer(), a.step(), null, a.summary()));
                if (AlertRule.byName(a.rule()).map(AlertRule::collapse).orElse(false)
                        && (firstCollapseAlert == null || a.step() < firstCollapseAlert)) {
                    firstCollapseAlert = a.step();
                }
            } else {
                Integer i = episodeIndex.get(a.id());
                if (i != null) {
                    Episode e = episodes.get(i);
                    episodes.set(i, new Episode(e.id(), e.rule(), e.layer(), e.firingStep(), a.step(), e.summary()));
                }
            }
        }

        RunOutcome build() {
            Map<String, Integer> dead = new LinkedHashMap<>();
            layerOrder.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(e -> dead.put(e.getKey(), lastDead.get(e.getKey())));
            return new RunOutcome(runId, optimizer, snapshots, maxStep == Long.MIN_VALUE ? 0 : maxStep, List.copyOf(episodes),
                    transitions, collapseStep, collapseLayer, firstCollapseAlert, dead, endEvent, deadLetters);
        }
    }
}
