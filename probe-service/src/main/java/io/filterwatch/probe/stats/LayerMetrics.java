package io.filterwatch.probe.stats;

import io.filterwatch.probe.state.ActivityWindow;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.TrainingContext;

/**
 * The per-filter metrics of one merged layer snapshot, as arrays over the C filters (one pass,
 * no per-filter objects: C reaches 2048). NaN means "undefined" and becomes JSON null.
 * Every formula here is written out in docs/metrics.md.
 */
public final class LayerMetrics {
    public final int c;
    public final long windowSamples;
    public final boolean windowCovered;
    /** Sampled rows behind selectivity and spatial activity. */
    public final int sampleRows;
    /** Whether the paper's activation test can decide yet (one epoch of training samples seen). */
    public final boolean activationDecided;
    /** The paper's activation test over the last epoch of training samples; false while undecided. */
    public final boolean[] deadByActivation;
    public final boolean[] deadByScale;
    /** The early warning: silent over the trailing window (not the paper's test). */
    public final boolean[] silent;
    /** Step of the last snapshot in which the filter fired; -1 if never. */
    public final long[] lastFiredStep;
    public final double[] windowMax;
    public final double[] activityRate;
    public final double[] latestActivity;
    public final double[] selectivity;
    public final double[] spatialActivity;
    public final double[] meanResponse;
    public final double[] gamma;
    public final double[] beta;
    public final double[] weightNorm;
    public final double[] gammaDominance;
    public final double[] betaDominance;
    public final double[] weightDominance;
    public final double[] adaptiveDecayRatio;
    /** Gamma: the regulariser's share of the normalised step (adaptive optimizers; NaN otherwise). */
    public final double[] regulariserStepShare;

    private LayerMetrics(int c, long windowSamples, boolean windowCovered, int sampleRows, boolean activationDecided) {
        this.c = c;
        this.activationDecided = activationDecided;
        silent = new boolean[c];
        lastFiredStep = new long[c];
        this.sampleRows = sampleRows;
        this.windowSamples = windowSamples;
        this.windowCovered = windowCovered;
        deadByActivation = new boolean[c];
        deadByScale = new boolean[c];
        windowMax = new double[c];
        activityRate = new double[c];
        latestActivity = new double[c];
        selectivity = new double[c];
        spatialActivity = new double[c];
        meanResponse = new double[c];
        gamma = new double[c];
        beta = new double[c];
        weightNorm = new double[c];
        gammaDominance = new double[c];
        betaDominance = new double[c];
        weightDominance = new double[c];
        adaptiveDecayRatio = new double[c];
        regulariserStepShare = new double[c];
    }

    /**
     * @param snapshot      the merged snapshot, already added to {@code window}
     * @param window        the layer's trailing window
     * @param targetSamples samples the window must cover before the early warning may say "silent"
     * @param corpus        the paper's activation test over the last epoch of training samples
     * @param adamEpsilon   eps of the adaptive optimizer's denominator (every adaptive optimizer's)
     */
    public static LayerMetrics compute(LayerSnapshot snapshot, ActivityWindow window, long targetSamples,
                                       CorpusActivity corpus, double adamEpsilon) {
        int c = snapshot.filterCount();
        long samples = window.totalSamples();
        LayerMetrics m = new LayerMetrics(c, samples, samples >= targetSamples, window.sampleRows(), corpus.decided());
        TrainingContext ctx = snapshot.context();
        FilterParameters p = snapshot.params();
        FilterGradients g = snapshot.gradients();
        double l2 = ctx.l2();
        double wd = ctx.weightDecay();
        int rows = window.sampleRows();
        for (int f = 0; f < c; f++) {
            double mf = window.max(f);
            m.windowMax[f] = mf;
            m.silent[f] = Definitions.silent(m.windowCovered, mf);
            m.deadByActivation[f] = corpus.dead(f);
            m.lastFiredStep[f] = corpus.lastFiredStep(f);
            m.deadByScale[f] = Definitions.deadByScale(p.gamma()[f]);
            m.activityRate[f] = samples == 0 ? 0.0 : (double) window.activeCount(f) / samples;
            m.meanResponse[f] = samples == 0 ? 0.0 : window.responseSum(f) / samples;
            m.latestActivity[f] = window.latestActivity(f);
            m.selectivity[f] = rows == 0 || !(mf > Definitions.ACTIVE_RESPONSE)
                    ? Double.NaN : (double) window.belowCount(f) / rows;
            m.spatialActivity[f] = rows == 0 ? Double.NaN : window.activeFractionSum(f) / rows;
            m.gamma[f] = p.gamma()[f];
            m.beta[f] = p.beta()[f];
            m.weightNorm[f] = p.weightNorm()[f];
            // Per parameter group its own normaliser: rms + eps of gamma, beta, the filter's weights.
            boolean adaptive = g.hasSecondMoments();
            m.gammaDominance[f] = Regularisation.dominance(l2, wd, p.gamma()[f], g.gradGamma()[f],
                    Regularisation.normaliser(adaptive, adaptive ? g.rmsGamma()[f] : Double.NaN, adamEpsilon));
            m.betaDominance[f] = Regularisation.dominance(l2, wd, p.beta()[f], g.gradBeta()[f],
                    Regularisation.normaliser(adaptive, adaptive ? g.rmsBeta()[f] : Double.NaN, adamEpsilon));
            m.weightDominance[f] = Regularisation.dominance(l2, wd, p.weightNorm()[f], g.gradWeightNorm()[f],
                    Regularisation.normaliser(adaptive, adaptive ? g.rmsWeight()[f] : Double.NaN, adamEpsilon));
            m.adaptiveDecayRatio[f] = adaptive
                    ? Regularisation.adaptiveDecayRatio(l2, wd, g.rmsGamma()[f], adamEpsilon)
                    : Double.NaN;
            m.regulariserStepShare[f] = adaptive
                    ? Regularisation.stepShare(l2, wd, p.gamma()[f], g.rmsGamma()[f], adamEpsilon)
                    : Double.NaN;
        }
        return m;
    }

    /** Dead by either of the paper's tests: the headline. */
    public boolean dead(int f) {
        return deadByActivation[f] || deadByScale[f];
    }

    /** Silent over the window but not dead by the paper's tests: the early warning's state. */
    public boolean silentOnly(int f) {
        return silent[f] && !dead(f);
    }
}
