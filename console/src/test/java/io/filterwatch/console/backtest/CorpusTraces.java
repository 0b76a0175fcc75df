package io.filterwatch.console.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.protocol.TrainingContext;

/**
 * The generated part of the backtest corpus: long runs as trainer snapshots (not layer statistics),
 * so they go through the real probe logic. Fixed seeds; every trace is labelled by construction.
 *
 * <p>A filter's life: alive (gamma ~ 0.3..1, firing on ~30-60% of samples, the loss gradient on gamma
 * larger than the regulariser's pull), optionally dying (from {@code decayFrom} its loss gradient
 * vanishes, so the regulariser dominates, gamma shrinks geometrically and its activity falls),
 * silent from {@code silentFrom} (no sample fires any more; the paper's activation test calls it
 * dead one epoch later) and below |gamma| = 1e-3 a further epoch on (the scale test).
 */
public final class CorpusTraces {
    /** Steps between snapshots (the trainer's default) and samples per step. */
    static final int INTERVAL = 100;
    static final int BATCH = 64;
    static final int SAMPLE_ROWS = 8;

    /** One labelled trace; {@code feed} writes its records, in order, to a sink. */
    public record Trace(String name, boolean collapsing, long steps, Consumer<Sink> feed) {
    }

    /** Where a trace's records go: a backtest, or a list (to publish them to Kafka). */
    public interface Sink {
        void snapshot(LayerSnapshot s);

        void event(RunEvent e);

        static Sink into(Backtest b) {
            return new Sink() {
                @Override
                public void snapshot(LayerSnapshot s) {
                    b.accept(new Recording.Entry(Recording.Kind.SNAPSHOT, s.context().wallClockMillis(), s.key(), SnapshotCodec.encode(s)));
                }

                @Override
                public void event(RunEvent e) {
                    b.accept(new Recording.Entry(Recording.Kind.RUN_EVENT, e.wallClockMillis(), e.runId(), JsonMessages.toJson(e)));
                }
            };
        }

        static Sink into(List<Object> records) {
            return new Sink() {
                @Override
                public void snapshot(LayerSnapshot s) {
                    records.add(s);
                }

                @Override
                public void event(RunEvent e) {
                    records.add(e);
                }
            };
        }
    }

    private CorpusTraces() {
    }

    public static List<Trace> all() {
        return List.of(slowCollapse(), healthyNoisyGamma("adam", 1), healthyNoisyGamma("sgd", 2), healthyLossSpikes(3));
    }

    /**
     * 60,000 steps (60 epochs of 1,000 steps), Adam with coupled L2: conv3 (64 filters) slides from 0%
     * to 60% dead at an even pace, conv2 (32) to 25%; conv1 and conv4 stay healthy.
     */
    public static Trace slowCollapse() {
        long steps = 60_000;
        Random rnd = new Random(11);
        List<Layer> layers = List.of(
                Layer.healthy("conv1", 0, 16, rnd),
                Layer.healthy("conv2", 1, 32, rnd).dying(8, 6_000, steps, rnd),
                Layer.healthy("conv3", 2, 64, rnd).dying(38, 3_000, steps, rnd),
                Layer.healthy("conv4", 3, 128, rnd));
        return new Trace("generated-slow-collapse-60k", true, steps,
                b -> run(b, "gen-slow-collapse", "adam", 1e-3, 5e-4, steps, 1_000, 1_500, layers, rnd, List.of()));
    }

    /**
     * 20,000 steps with filters whose |gamma| wanders around 1e-3 (log-normal noise, sigma 0.4) while
     * they still fire through a positive beta: 1 of a 16-filter layer, 2 of 64. Healthy: no filter dies.
     */
    public static Trace healthyNoisyGamma(String optimizer, long seed) {
        long steps = 20_000;
        Random rnd = new Random(100 + seed);
        List<Layer> layers = List.of(
                Layer.healthy("conv1", 0, 16, rnd).noisyGamma(1),
                Layer.healthy("conv2", 1, 32, rnd),
                Layer.healthy("conv3", 2, 64, rnd).noisyGamma(2),
                Layer.healthy("conv4", 3, 64, rnd));
        return new Trace("generated-healthy-noisy-gamma-" + optimizer, false, steps,
                b -> run(b, "gen-healthy-noisy-" + optimizer, optimizer, "sgd".equals(optimizer) ? 0.05 : 1e-3, 5e-4, steps, 1_000,
                        1_200, layers, rnd, List.of()));
    }

    /**
     * 30,000 steps of Adam + L2 with loss spikes every 4,000 steps: for 4 snapshots a quarter of each
     * layer's filters loses its loss gradient, shrinks and fires less, then recovers. Healthy.
     */
    public static Trace healthyLossSpikes(long seed) {
        long steps = 30_000;
        Random rnd = new Random(200 + seed);
        List<Layer> layers = List.of(
                Layer.healthy("conv1", 0, 32, rnd),
                Layer.healthy("conv2", 1, 32, rnd),
                Layer.healthy("conv3", 2, 64, rnd),
                Layer.healthy("conv4", 3, 64, rnd));
        List<Long> spikes = new ArrayList<>();
        for (long s = 4_000; s < steps; s += 4_000) {
            spikes.add(s);
        }
        return new Trace("generated-healthy-loss-spikes", false, steps,
                b -> run(b, "gen-healthy-spikes", "adam", 1e-3, 5e-4, steps, 1_000, 900, layers, rnd, spikes));
    }

    private static void run(Sink b, String runId, String optimizer, double lr, double l2, long steps, long epochSteps,
                            long millisPerInterval, List<Layer> layers, Random rnd, List<Long> spikes) {
        long t0 = 1_780_000_000_000L;
        b.event(new RunEvent(runId, RunEvent.Type.STARTED, 0, 0, t0, null, null, "started", null));
        for (long step = INTERVAL; step <= steps; step += INTERVAL) {
            long wall = t0 + (step / INTERVAL) * millisPerInterval + rnd.nextInt(200);
            int epoch = (int) (step / epochSteps);
            boolean spike = false;
            for (long s : spikes) {
                spike |= step >= s && step < s + 4 * INTERVAL;
            }
            for (Layer l : layers) {
                b.snapshot(l.snapshot(new TrainingContext(runId, 0, step, epoch, wall, optimizer, lr, l2, 0.0, BATCH), step,
                        spike, rnd));
            }
            if (step % epochSteps == 0) {
                b.event(new RunEvent(runId, RunEvent.Type.EPOCH_END, step, epoch - 1, wall, 0.5, 0.8, null, null));
            }
        }
        b.event(new RunEvent(runId, RunEvent.Type.FINISHED, steps, (int) (steps / epochSteps), t0 + (steps / INTERVAL + 1)
                * millisPerInterval, 0.3, 0.9, "finished", null));
    }

    /** One conv layer's filters and their planned lives. */
    static final class Layer {
        final String name;
        final int index;
        final int c;
        final float[] gamma;
        final float[] beta;
        final double[] rate;
        /** Step from which the filter's loss gradient vanishes and gamma decays; MAX_VALUE: never. */
        final long[] decayFrom;
        /** Step from which it fires on no sample. */
        final long[] silentFrom;
        final boolean[] noisy;
        final double[] decayPerSnapshot;

        private Layer(String name, int index, int c, Random rnd) {
            this.name = name;
            this.index = index;
            this.c = c;
            gamma = new float[c];
            beta = new float[c];
            rate = new double[c];
            decayFrom = new long[c];
            silentFrom = new long[c];
            noisy = new boolean[c];
            decayPerSnapshot = new double[c];
            for (int f = 0; f < c; f++) {
                gamma[f] = (float) (0.3 + 0.7 * rnd.nextDouble());
                beta[f] = (float) (0.1 * rnd.nextGaussian());
                rate[f] = 0.3 + 0.3 * rnd.nextDouble();
                decayFrom[f] = Long.MAX_VALUE;
                silentFrom[f] = Long.MAX_VALUE;
            }
        }

        static Layer healthy(String name, int index, int c, Random rnd) {
            return new Layer(name, index, c, rnd);
        }

        /** {@code n} filters go silent at steps spread evenly over [from, to); each decays for 2,000 steps before. */
        Layer dying(int n, long from, long to, Random rnd) {
            for (int k = 0; k < n; k++) {
                int f = k * c / n;
                silentFrom[f] = from + (to - from) * k / n + rnd.nextInt(INTERVAL);
                decayFrom[f] = Math.max(INTERVAL, silentFrom[f] - 2_000);
                // |gamma| reaches 1e-3 about two epochs after the filter went silent
                double snapshots = (silentFrom[f] + 2_000 - decayFrom[f]) / (double) INTERVAL;
                decayPerSnapshot[f] = Math.pow(1e-3 * 0.9 / gamma[f], 1.0 / snapshots);
                beta[f] = -0.2f;
            }
            return this;
        }

        Layer noisyGamma(int n) {
            for (int f = 0; f < n; f++) {
                noisy[f] = true;
                beta[f] = 0.05f; // still fires: the constant ReLU(beta)
            }
            return this;
        }

        LayerSnapshot snapshot(TrainingContext ctx, long step, boolean spike, Random rnd) {
            int[] params = new int[c];
            long[] flops = new long[c];
            float[] g = new float[c];
            float[] wn = new float[c];
            float[] gradGamma = new float[c];
            float[] gradBeta = new float[c];
            float[] gradW = new float[c];
            boolean adaptive = !"sgd".equals(ctx.optimizer());
            float[] rmsGamma = adaptive ? new float[c] : null;
            float[] rmsBeta = adaptive ? new float[c] : null;
            float[] rmsW = adaptive ? new float[c] : null;
            float[] max = new float[c];
            long[] active = new long[c];
            double[] sum = new double[c];
            long samples = (long) INTERVAL * BATCH;
            float[] responses = new float[SAMPLE_ROWS * c];
            float[] activeFraction = new float[SAMPLE_ROWS * c];
            for (int f = 0; f < c; f++) {
                params[f] = 9 * 32 + 2;
                flops[f] = 9L * 32 * 14 * 14;
                boolean decaying = step >= decayFrom[f];
                boolean spiking = spike && f % 4 == 1;
                if (decaying) {
                    gamma[f] *= (float) decayPerSnapshot[f];
                } else if (spiking) {
                    gamma[f] *= 0.97f;
                } else if (gamma[f] < 0.3f) {
                    gamma[f] = Math.min(0.3f, gamma[f] * 1.05f);
                }
                g[f] = noisy[f] ? (float) (1e-3 * Math.exp(0.4 * rnd.nextGaussian())) : gamma[f];
                wn[f] = (float) (1.0 + 0.05 * rnd.nextGaussian());
                double loss = decaying ? 1e-7 : spiking ? 1e-6 : 1e-3 * (0.5 + rnd.nextDouble());
                gradGamma[f] = (float) (loss * (rnd.nextBoolean() ? 1 : -1));
                gradBeta[f] = (float) (loss * 0.5);
                gradW[f] = (float) (loss * 10);
                if (adaptive) {
                    rmsGamma[f] = (float) (Math.abs(gradGamma[f]) + 5e-4 * Math.abs(g[f]) + 1e-7);
                    rmsBeta[f] = (float) (Math.abs(gradBeta[f]) + 1e-7);
                    rmsW[f] = (float) (Math.abs(gradW[f]) / 3 + 1e-7);
                }
                boolean silent = step >= silentFrom[f];
                double r = silent ? 0 : decaying ? rate[f] * Math.max(0.05, 1 - (step - decayFrom[f]) / 2_000.0)
                        : spiking ? rate[f] * 0.6 : rate[f];
                active[f] = silent ? 0 : Math.max(1, Math.round(r * samples));
                max[f] = silent ? 0f : (float) (2.0 * Math.max(g[f], 1e-3) + Math.max(0, beta[f]));
                sum[f] = active[f] * max[f] * 0.4;
                for (int n = 0; n < SAMPLE_ROWS; n++) {
                    boolean fires = !silent && rnd.nextDouble() < r;
                    responses[n * c + f] = fires ? (float) (max[f] * (0.2 + 0.8 * rnd.nextDouble())) : 0f;
                    activeFraction[n * c + f] = fires ? (float) (0.1 + 0.5 * rnd.nextDouble()) : 0f;
                }
            }
            return new LayerSnapshot(ctx, new LayerInfo(name, index, c, 14, 14), new FilterParameters(params, flops, g, beta.clone(), wn),
                    new FilterGradients(gradGamma, gradBeta, gradW, rmsGamma, rmsBeta, rmsW),
                    new ActivationAggregates(step - INTERVAL + 1, samples, max, active, sum),
                    ResponseSample.sanitised(SAMPLE_ROWS, responses, activeFraction));
        }
    }
}
