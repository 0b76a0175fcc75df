package io.filterwatch.probe;

import java.util.Arrays;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.FilterParameters;
import io.filterwatch.protocol.LayerInfo;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.ResponseSample;
import io.filterwatch.protocol.TrainingContext;

/** A small builder of hand-made snapshots for tests: defaults are a healthy layer. */
public final class SnapshotBuilder {
    private String runId = "run-1";
    private String layer = "conv1";
    private int layerIndex = 0;
    private int rank = 0;
    private long step = 100;
    private int epoch = 0;
    private String optimizer = "adam";
    private double lr = 1e-3;
    private double l2 = 1e-3;
    private double wd = 0.0;
    private int batch = 10;
    private final int c;
    private int[] paramCount;
    private long[] flops;
    private float[] gamma, beta, weightNorm;
    private float[] gradGamma, gradBeta, gradWeight;
    private float[] rmsGamma, rmsBeta, rmsWeight;
    private long samples = 10;
    private float[] max;
    private long[] active;
    private double[] sum;
    private int rows;
    private float[] responses = new float[0], fraction = new float[0];
    private int nonFinite;

    private SnapshotBuilder(int c) {
        this.c = c;
        paramCount = new int[c];
        Arrays.fill(paramCount, 100);
        flops = new long[c];
        Arrays.fill(flops, 1000);
        gamma = filled(c, 1f);
        beta = filled(c, 0f);
        weightNorm = filled(c, 1f);
        gradGamma = filled(c, 1f);
        gradBeta = filled(c, 1f);
        gradWeight = filled(c, 1f);
        max = filled(c, 1f);
        active = new long[c];
        Arrays.fill(active, 10);
        sum = new double[c];
        Arrays.fill(sum, 5.0);
    }

    public static SnapshotBuilder layer(int c) {
        return new SnapshotBuilder(c);
    }

    public static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    public static float[] f(float... v) {
        return v;
    }

    public SnapshotBuilder run(String id) { runId = id; return this; }
    public SnapshotBuilder name(String name, int index) { layer = name; layerIndex = index; return this; }
    public SnapshotBuilder rank(int r) { rank = r; return this; }
    public SnapshotBuilder step(long s) { step = s; return this; }
    public SnapshotBuilder epoch(int e) { epoch = e; return this; }
    public SnapshotBuilder optimizer(String name, double lr, double l2, double wd) {
        optimizer = name; this.lr = lr; this.l2 = l2; this.wd = wd; return this;
    }
    public SnapshotBuilder batch(int b) { batch = b; return this; }
    public SnapshotBuilder paramCount(int... p) { paramCount = p; return this; }
    public SnapshotBuilder flops(long... p) { flops = p; return this; }
    public SnapshotBuilder gamma(float... v) { gamma = v; return this; }
    public SnapshotBuilder beta(float... v) { beta = v; return this; }
    public SnapshotBuilder weightNorm(float... v) { weightNorm = v; return this; }
    public SnapshotBuilder gradGamma(float... v) { gradGamma = v; return this; }
    public SnapshotBuilder gradBeta(float... v) { gradBeta = v; return this; }
    public SnapshotBuilder gradWeight(float... v) { gradWeight = v; return this; }
    public SnapshotBuilder rms(float[] g, float[] b, float[] w) { rmsGamma = g; rmsBeta = b; rmsWeight = w; return this; }
    public SnapshotBuilder samples(long n) { samples = n; return this; }
    public SnapshotBuilder max(float... v) { max = v; return this; }
    public SnapshotBuilder active(long... v) { active = v; return this; }
    public SnapshotBuilder sum(double... v) { sum = v; return this; }
    public SnapshotBuilder nonFinite(int n) { nonFinite = n; return this; }

    /** Sampled rows, row-major N x C: responses then active fractions. */
    public SnapshotBuilder sample(int n, float[] r, float[] a) {
        rows = n;
        responses = r;
        fraction = a;
        return this;
    }

    /** The same snapshot as sent by another worker. */
    public static LayerSnapshot withRank(LayerSnapshot s, int rank) {
        TrainingContext c = s.context();
        return new LayerSnapshot(new TrainingContext(c.runId(), rank, c.step(), c.epoch(), c.wallClockMillis(),
                c.optimizer(), c.learningRate(), c.l2(), c.weightDecay(), c.batchSize()),
                s.layer(), s.params(), s.gradients(), s.activity(), s.sample());
    }

    public LayerSnapshot build() {
        return new LayerSnapshot(
                new TrainingContext(runId, rank, step, epoch, 1_700_000_000_000L + step * 1000, optimizer, lr, l2, wd, batch),
                new LayerInfo(layer, layerIndex, c, 4, 4),
                new FilterParameters(paramCount.clone(), flops.clone(), gamma.clone(), beta.clone(), weightNorm.clone()),
                new FilterGradients(gradGamma.clone(), gradBeta.clone(), gradWeight.clone(),
                        rmsGamma == null ? null : rmsGamma.clone(), rmsBeta == null ? null : rmsBeta.clone(),
                        rmsWeight == null ? null : rmsWeight.clone()),
                new ActivationAggregates(step - 9, samples, max.clone(), active.clone(), sum.clone()),
                new ResponseSample(rows, responses.clone(), fraction.clone(), nonFinite));
    }
}
