package io.filterwatch.protocol;

import java.util.List;

/**
 * Per-layer summary at one snapshot, probe to aggregator (JSON on {@link Topics#LAYER_STATS}),
 * one per layer snapshot. Formulas: {@code docs/metrics.md}. {@code alive + dying + dead + revived +
 * silent = filterCount}; {@code dead} and {@code deadByActivation} are the paper's tests (the
 * activation test decides once one epoch of training samples was seen: {@code activationTestDecided}).
 */
public record LayerStat(
        String runId,
        String layer,
        int layerIndex,
        long step,
        int epoch,
        long wallClockMillis,
        int workers,
        String optimizer,
        double learningRate,
        double l2,
        double weightDecay,
        int batchSize,
        long windowSamples,
        int filterCount,
        int alive,
        int dying,
        int dead,
        int revived,
        int deadByActivation,
        int deadByScale,
        int deadByBoth,
        double deadFraction,
        double deadByActivationFraction,
        double deadByScaleFraction,
        List<Integer> selectivityHistogram,
        Double medianGammaDominance,
        Double p90GammaDominance,
        Double medianBetaDominance,
        Double p90BetaDominance,
        Double medianWeightDominance,
        Double medianAdaptiveDecayRatio,
        double deadFlopsShare,
        double deadParamsShare,
        long deadParams,
        long deadFlops,
        int nonFiniteValues,
        Double medianRegulariserStepShare,
        int silent,
        boolean activationTestDecided) {

    /**
     * Bins of {@link #selectivityHistogram}: bin i counts the filters whose selectivity lies in
     * [i/10, (i+1)/10), the last bin closed (InfluxDB fields {@code sel_bin_0} .. {@code sel_bin_9}).
     */
    public static final int SELECTIVITY_BINS = 10;
}
