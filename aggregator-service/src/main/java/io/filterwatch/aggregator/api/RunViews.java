package io.filterwatch.aggregator.api;

import java.util.List;
import java.util.Map;

import io.filterwatch.aggregator.runs.LatestLayerStats;
import io.filterwatch.aggregator.runs.RunState;
import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.LayerStat;

/** JSON shapes of the run endpoints. */
public final class RunViews {
    private RunViews() {
    }

    public record RunItem(String runId, String status, long lastStep, long lastWallClockMillis, Double deadFraction,
                          int filters, int layers, long openAlerts) {
    }

    /**
     * @param deadFraction the paper's headline: dead filters / all conv filters of the run (latest summary of each layer)
     */
    public record RunSummary(String runId, String status, long lastStep, long lastWallClockMillis, Map<String, String> config,
                             Double loss, Double accuracy, int layerCount, int filters, int alive, int dying, int dead,
                             int deadByActivation, int deadByScale, int deadByBoth, double deadFraction,
                             double deadByActivationFraction, double deadByScaleFraction, long openAlerts,
                             List<LayerSummary> layers) {
    }

    public record LayerSummary(String layer, int layerIndex, long step, String optimizer, int filterCount, int alive, int dying,
                               int dead, int revived, int deadByActivation, int deadByScale, int deadByBoth,
                               double deadFraction, double deadByActivationFraction, double deadByScaleFraction,
                               Double medianGammaDominance, Double medianBetaDominance, double deadParamsShare,
                               double deadFlopsShare, long deadParams, long deadFlops, int nonFiniteValues) {
        static LayerSummary of(LayerStat s) {
            return new LayerSummary(s.layer(), s.layerIndex(), s.step(), s.optimizer(), s.filterCount(), s.alive(), s.dying(),
                    s.dead(), s.revived(), s.deadByActivation(), s.deadByScale(), s.deadByBoth(), s.deadFraction(),
                    s.deadByActivationFraction(), s.deadByScaleFraction(), s.medianGammaDominance(), s.medianBetaDominance(),
                    s.deadParamsShare(), s.deadFlopsShare(), s.deadParams(), s.deadFlops(), s.nonFiniteValues());
        }
    }

    static RunItem item(RunState run) {
        List<LayerStat> latest = latest(run);
        int filters = latest.stream().mapToInt(LayerStat::filterCount).sum();
        int dead = latest.stream().mapToInt(LayerStat::dead).sum();
        return new RunItem(run.runId(), run.status(), run.lastStep(), run.lastWallClockMillis(),
                filters == 0 ? null : (double) dead / filters, filters, latest.size(), run.openAlerts());
    }

    static RunSummary summary(RunState run) {
        List<LayerStat> latest = latest(run);
        int filters = 0, alive = 0, dying = 0, dead = 0, byAct = 0, byScale = 0, byBoth = 0;
        for (LayerStat s : latest) {
            filters += s.filterCount();
            alive += s.alive();
            dying += s.dying();
            dead += s.dead();
            byAct += s.deadByActivation();
            byScale += s.deadByScale();
            byBoth += s.deadByBoth();
        }
        RunStats rs = run.latestStats();
        return new RunSummary(run.runId(), run.status(), rs == null ? run.lastStep() : Math.max(rs.step(), run.lastStep()),
                run.lastWallClockMillis(), run.config(), run.lastLoss(), run.lastAccuracy(), latest.size(), filters, alive,
                dying, dead, byAct, byScale, byBoth, ratio(dead, filters), ratio(byAct, filters), ratio(byScale, filters),
                run.openAlerts(), latest.stream().map(LayerSummary::of).toList());
    }

    private static List<LayerStat> latest(RunState run) {
        return run.layers().stream().map(LatestLayerStats::latest).filter(java.util.Objects::nonNull).toList();
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0.0 : (double) a / b;
    }
}
