package io.filterwatch.probe.stats;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.TrainingContext;

/** Builds the per-layer summary (LayerStat) of one merged snapshot; formulas in docs/metrics.md. */
public final class LayerSummary {
    private LayerSummary() {
    }

    /**
     * @param metrics    this snapshot's metrics, or null when the snapshot was quarantined and
     *                   no metrics were ever computed for the layer
     * @param states     the filters' states after this snapshot (null with metrics == null)
     * @param nonFinite  non-finite values counted in the merged snapshot (numeric health)
     */
    public static LayerStat of(LayerSnapshot snapshot, int workers, LayerMetrics metrics, FilterState[] states,
                               int nonFinite) {
        TrainingContext ctx = snapshot.context();
        FilterParameters p = snapshot.params();
        int c = snapshot.filterCount();
        int alive = 0, dying = 0, dead = 0, revived = 0, silent = 0, byAct = 0, byScale = 0, byBoth = 0;
        long deadParams = 0, deadFlops = 0, totalParams = 0, totalFlops = 0;
        int[] histogram = new int[LayerStat.SELECTIVITY_BINS];
        for (int f = 0; f < c; f++) {
            totalParams += p.paramCount()[f];
            totalFlops += p.flops()[f];
        }
        Double medianGamma = null, p90Gamma = null, medianBeta = null, p90Beta = null, medianWeight = null,
                medianDecay = null, medianShare = null;
        long windowSamples = 0;
        if (metrics != null) {
            windowSamples = metrics.windowSamples;
            for (int f = 0; f < c; f++) {
                switch (states[f]) {
                    case ALIVE -> alive++;
                    case DYING -> dying++;
                    case DEAD -> dead++;
                    case REVIVED -> revived++;
                    case SILENT -> silent++;
                }
                boolean a = metrics.deadByActivation[f];
                boolean s = metrics.deadByScale[f];
                byAct += a ? 1 : 0;
                byScale += s ? 1 : 0;
                byBoth += a && s ? 1 : 0;
                if (a || s) {
                    deadParams += p.paramCount()[f];
                    deadFlops += p.flops()[f];
                }
                if (!Double.isNaN(metrics.selectivity[f])) {
                    histogram[Definitions.histogramBin(metrics.selectivity[f])]++;
                }
            }
            double[] gamma = Quantiles.of(metrics.gammaDominance, 0.5, 0.9);
            double[] beta = Quantiles.of(metrics.betaDominance, 0.5, 0.9);
            medianGamma = orNull(gamma[0]);
            p90Gamma = orNull(gamma[1]);
            medianBeta = orNull(beta[0]);
            p90Beta = orNull(beta[1]);
            medianWeight = orNull(Quantiles.of(metrics.weightDominance, 0.5)[0]);
            medianDecay = orNull(Quantiles.of(metrics.adaptiveDecayRatio, 0.5)[0]);
            medianShare = orNull(Quantiles.of(metrics.regulariserStepShare, 0.5)[0]);
        }
        List<Integer> bins = new ArrayList<>(histogram.length);
        for (int b : histogram) {
            bins.add(b);
        }
        return new LayerStat(ctx.runId(), snapshot.layer().name(), snapshot.layer().index(), ctx.step(), ctx.epoch(),
                ctx.wallClockMillis(), workers, ctx.optimizer(), ctx.learningRate(), ctx.l2(), ctx.weightDecay(),
                ctx.batchSize(), windowSamples, c, alive, dying, dead, revived, byAct, byScale, byBoth,
                fraction(dead, c), fraction(byAct, c), fraction(byScale, c), List.copyOf(bins),
                medianGamma, p90Gamma, medianBeta, p90Beta, medianWeight, medianDecay,
                share(deadFlops, totalFlops), share(deadParams, totalParams), deadParams, deadFlops, nonFinite,
                medianShare, silent, metrics != null && metrics.activationDecided);
    }

    static double fraction(int count, int total) {
        return total == 0 ? 0.0 : (double) count / total;
    }

    static double share(long part, long total) {
        return total == 0 ? 0.0 : (double) part / total;
    }

    static Double orNull(double x) {
        return Double.isNaN(x) ? null : x;
    }
}
