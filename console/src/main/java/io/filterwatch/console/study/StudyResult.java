package io.filterwatch.console.study;

import java.util.List;

/**
 * What the study found for one setting: the probe's last layer summaries of the run (the dead
 * tests at the end), its training loss, its test accuracy and its alert episodes.
 *
 * @param steps              the last step the replay saw
 * @param trainingSamples    samples trained on: steps x batch
 * @param activationDecided  whether every layer's corpus-wide activation test was decidable (an epoch of samples seen)
 * @param trainLoss          mean loss of the training batches since the last epoch boundary (the trainer's last EPOCH_END); null if none
 * @param trainAccuracy      accuracy on those batches
 * @param test               the final checkpoint on the test split; null when not evaluated
 * @param episodes           alert episodes the aggregator's rules opened
 * @param firstDeadStep      first step at which any layer had a dead filter (either test); null: never
 */
public record StudyResult(StudySetting setting, long steps, long trainingSamples, List<LayerCounts> layers, boolean activationDecided,
                          Double trainLoss, Double trainAccuracy, TestScore test, int episodes, String episodeRules, Long firstDeadStep) {

    /** A threshold of the selective-filter share: off (below 1e-3 of its max) on at least half the samples. */
    public static final double SELECTIVE = 0.5;

    /**
     * One layer at the run's last snapshot.
     *
     * @param dead             either of the paper's tests (the probe's headline)
     * @param deadByActivation the corpus-wide test: silent on every training sample of the last epoch
     * @param deadByScale      the per-snapshot test: |gamma| < 1e-3 on the last snapshot
     * @param silent           the early warning (silent over the trailing window), not dead
     * @param selective        filters with selectivity >= {@link #SELECTIVE} (histogram bins 5-9)
     * @param withSelectivity  filters with a defined selectivity (the histogram's total; a filter that never fired in the window has none)
     */
    public record LayerCounts(String layer, int filters, int dead, int deadByActivation, int deadByScale, int silent, int selective,
                              int withSelectivity) {
    }

    /** The final checkpoint on the test split (the trainer's evaluate mode). */
    public record TestScore(long step, int samples, double accuracy, double loss) {
    }

    public int filters() {
        return layers.stream().mapToInt(LayerCounts::filters).sum();
    }

    public int dead() {
        return layers.stream().mapToInt(LayerCounts::dead).sum();
    }

    public int deadByActivation() {
        return layers.stream().mapToInt(LayerCounts::deadByActivation).sum();
    }

    public int deadByScale() {
        return layers.stream().mapToInt(LayerCounts::deadByScale).sum();
    }

    public int silent() {
        return layers.stream().mapToInt(LayerCounts::silent).sum();
    }

    /** Selective filters over the filters with a defined selectivity; NaN when none has one. */
    public double selectiveShare() {
        int with = layers.stream().mapToInt(LayerCounts::withSelectivity).sum();
        return with == 0 ? Double.NaN : layers.stream().mapToInt(LayerCounts::selective).sum() / (double) with;
    }
}
