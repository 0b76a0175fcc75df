package io.filterwatch.load;

import java.util.List;
import java.util.SplittableRandom;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.protocol.TrainingContext;

/**
 * One synthetic ResNet-50 run on ImageNet under Adam with coupled L2: per filter a trajectory that is a
 * function of the step, so every worker and every round is computed in O(C) per layer without history.
 *
 * <ul>
 * <li><b>Alive filters</b> (1 - dyingShare of them): |gamma| 0.3..1.3 drifting by a few per cent over
 * thousands of steps, beta around 0, fire on 5-60% of the samples (selective: the rest of the sample
 * is zero), loss gradients that are noise around 1% of gamma and that the workers average.</li>
 * <li><b>Dying filters</b> (dyingShare of them, more in early layers, as the paper observed): each has a death
 * step uniform in 30-90% of the planned run. Until then gamma decays geometrically to 5e-4 (below the
 * scale test's 1e-3 just before the death step), beta goes negative, the activity falls as (1 - u)^2 and
 * the loss gradient as (1 - u), u = step / death step, while the regulariser's pull l2 x gamma remains
 * (the paper's mechanism: Adam divides it by a second moment that shrinks with it). From the death step
 * on the filter fires on no sample: activeCount, maxResponse and its sampled responses are 0.</li>
 * </ul>
 * Parameters are replicated (the same on every worker, as after an all-reduce); gradients, activity and
 * sampled responses are each worker's own.
 */
final class SyntheticRun {

    static final double GAMMA_DEAD = 5e-4;
    static final String OPTIMIZER = "adam";
    static final double LEARNING_RATE = 1e-3;
    static final double L2 = 1e-4;

    final String runId;
    private final FleetSettings settings;
    private final RunTopology topology;
    private final SamplePool pool;
    private final Layer[] layers;

    /** Per layer: the filters' fixed traits. */
    private static final class Layer {
        final LayerInfo info;
        final int[] paramCount;
        final long[] flops;
        final float[] gamma0;
        final float[] beta0;
        final float[] weight0;
        final float[] activity0;
        final float[] maxScale;
        final float[] sampleScale; // the sample's max: below the window's max response, so M_f stays put
        final float[] phase;
        final float[] gradSign;
        final long[] deathStep; // Long.MAX_VALUE: alive
        final ThreadLocal<SamplePool.Scratch> scratch;

        Layer(LayerInfo info, int sampleSize) {
            this.info = info;
            int c = info.filterCount();
            paramCount = new int[c];
            flops = new long[c];
            gamma0 = new float[c];
            beta0 = new float[c];
            weight0 = new float[c];
            activity0 = new float[c];
            maxScale = new float[c];
            sampleScale = new float[c];
            phase = new float[c];
            gradSign = new float[c];
            deathStep = new long[c];
            scratch = ThreadLocal.withInitial(() -> new SamplePool.Scratch(c, sampleSize));
        }
    }

    SyntheticRun(String runId, FleetSettings settings, RunTopology topology, SamplePool pool, long seed) {
        this.runId = runId;
        this.settings = settings;
        this.topology = topology;
        this.pool = pool;
        List<RunTopology.Layer> ls = topology.layers();
        layers = new Layer[ls.size()];
        SplittableRandom random = new SplittableRandom(seed);
        long planned = settings.historySteps();
        int totalFilters = ls.stream().mapToInt(RunTopology.Layer::filters).sum();
        double weighted = 0;
        for (RunTopology.Layer l : ls) {
            weighted += l.filters() * depthWeight(l.layerIndex(), ls.size());
        }
        double scale = weighted == 0 ? 0 : settings.dyingShare() * totalFilters / weighted;
        for (int i = 0; i < ls.size(); i++) {
            RunTopology.Layer l = ls.get(i);
            Layer layer = new Layer(new LayerInfo(l.name(), l.layerIndex(), l.filters(), l.outHeight(), l.outWidth()),
                    settings.sampleSize());
            int pc = ResNet50.paramCount(topology, l);
            long fl = ResNet50.flops(topology, l);
            double dying = Math.min(0.95, scale * depthWeight(i, ls.size()));
            for (int f = 0; f < l.filters(); f++) {
                layer.paramCount[f] = pc;
                layer.flops[f] = fl;
                layer.gamma0[f] = (float) (0.3 + random.nextDouble());
                layer.beta0[f] = (float) (0.1 * random.nextGaussian());
                layer.weight0[f] = (float) (0.5 + 1.5 * random.nextDouble());
                layer.activity0[f] = (float) (0.05 + 0.55 * random.nextDouble());
                layer.maxScale[f] = (float) (0.5 + 4 * random.nextDouble());
                layer.sampleScale[f] = 0.85f * layer.maxScale[f];
                layer.phase[f] = (float) (2 * Math.PI * random.nextDouble());
                layer.gradSign[f] = random.nextBoolean() ? 1f : -1f;
                layer.deathStep[f] = random.nextDouble() < dying
                        ? Math.max(1, (long) (planned * (0.3 + 0.6 * random.nextDouble())))
                        : Long.MAX_VALUE;
            }
            layers[i] = layer;
        }
    }

    /** Early layers lose more filters: weight 1.5 at the stem falling to 0.5 at the last layer. */
    private static double depthWeight(int index, int layers) {
        return 1.5 - (layers <= 1 ? 0 : (double) index / (layers - 1));
    }

    int layerCount() {
        return layers.length;
    }

    RunTopology topology() {
        return topology;
    }

    /** The filters planned to die in this run (|gamma| < 1e-3 and silent by the end). */
    long dyingFilters() {
        long n = 0;
        for (Layer l : layers) {
            for (long d : l.deathStep) {
                if (d != Long.MAX_VALUE) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Replicated parameters of one layer at one step: the same for every worker. */
    record Parameters(FilterParameters params, float[] gamma, double[] activity, double[] life) {
    }

    Parameters parameters(int layerIndex, long step) {
        Layer l = layers[layerIndex];
        int c = l.info.filterCount();
        float[] gamma = new float[c];
        float[] beta = new float[c];
        float[] weight = new float[c];
        double[] activity = new double[c];
        double[] life = new double[c]; // 1 alive, falls to 0 at the death step
        for (int f = 0; f < c; f++) {
            double drift = 1 + 0.05 * Math.sin(step / 20_000.0 + l.phase[f]);
            long death = l.deathStep[f];
            if (death == Long.MAX_VALUE) {
                gamma[f] = (float) (l.gamma0[f] * drift);
                beta[f] = l.beta0[f];
                weight[f] = (float) (l.weight0[f] * drift);
                activity[f] = l.activity0[f];
                life[f] = 1;
            } else {
                double u = Math.min(1.0, (double) step / death);
                double g = l.gamma0[f] * Math.exp(u * Math.log(GAMMA_DEAD / l.gamma0[f]));
                if (step > death) {
                    g = GAMMA_DEAD * Math.exp(-(double) (step - death) / Math.max(1, death));
                }
                gamma[f] = (float) g;
                beta[f] = (float) (l.beta0[f] * (1 - u) - 0.2 * u);
                weight[f] = (float) (l.weight0[f] * (0.3 + 0.7 * (1 - u)));
                activity[f] = step >= death ? 0 : l.activity0[f] * (1 - u) * (1 - u);
                life[f] = 1 - u;
            }
        }
        FilterParameters params = new FilterParameters(l.paramCount, l.flops, gamma, beta, weight);
        return new Parameters(params, gamma, activity, life);
    }

    /** Worker {@code rank}'s snapshot of one layer at {@code step}, the parameters being the step's. */
    LayerSnapshot snapshot(int layerIndex, Parameters p, int rank, long step, long wallClockMillis, long roundIndex,
                           SplittableRandom random) {
        Layer l = layers[layerIndex];
        int c = l.info.filterCount();
        int s = settings.snapshotInterval();
        long samples = (long) s * settings.batchPerWorker();
        float[] gradGamma = new float[c];
        float[] gradBeta = new float[c];
        float[] gradWeight = new float[c];
        float[] rmsGamma = new float[c];
        float[] rmsBeta = new float[c];
        float[] rmsWeight = new float[c];
        float[] maxResponse = new float[c];
        long[] activeCount = new long[c];
        double[] responseSum = new double[c];
        for (int f = 0; f < c; f++) {
            double life = p.life()[f];
            double gamma = Math.abs(p.gamma()[f]);
            double loss = 0.01 * l.gamma0[f] * life;
            // a systematic part (the filter's own sign) plus mini-batch noise: the all-reduced gradient's size is
            // stable from round to round, as the probe's dominance tolerance (a factor) expects
            gradGamma[f] = (float) (loss * (l.gradSign[f] + 0.2 * random.nextGaussian()));
            gradBeta[f] = (float) (loss * (-l.gradSign[f] + 0.2 * random.nextGaussian()));
            gradWeight[f] = (float) (0.05 * l.weight0[f] * life * (0.9 + 0.2 * random.nextDouble()));
            rmsGamma[f] = (float) (loss + L2 * gamma + 1e-9);
            rmsBeta[f] = (float) (loss + L2 * Math.abs(p.params().beta()[f]) + 1e-9);
            rmsWeight[f] = (float) (1e-3 * life + L2 * 1e-2 + 1e-9);
            double a = p.activity()[f];
            long active = 0;
            if (a > 0) {
                double mean = a * samples;
                active = Math.round(mean + Math.sqrt(mean * (1 - a)) * random.nextGaussian());
                active = Math.max(1, Math.min(samples, active));
            }
            activeCount[f] = active;
            if (active > 0) {
                maxResponse[f] = (float) (l.maxScale[f] * (0.9 + 0.1 * random.nextDouble()));
                responseSum[f] = active * 0.3 * l.maxScale[f];
            }
        }
        FilterGradients gradients = new FilterGradients(gradGamma, gradBeta, gradWeight, rmsGamma, rmsBeta, rmsWeight);
        ActivationAggregates activity = new ActivationAggregates(Math.max(0, step - s + 1), samples, maxResponse,
                activeCount, responseSum);
        int variant = (int) ((roundIndex + rank * 7L) % pool.variants());
        TrainingContext context = new TrainingContext(runId, rank, step, (int) (step / settings.stepsPerEpoch()),
                wallClockMillis, OPTIMIZER, LEARNING_RATE, L2, 0.0, settings.batchPerWorker());
        return new LayerSnapshot(context, l.info, p.params(), gradients, activity,
                pool.withActivity(layerIndex, variant, p.activity(), l.sampleScale, l.scratch.get()));
    }
}
