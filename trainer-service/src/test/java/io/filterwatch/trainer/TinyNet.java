package io.filterwatch.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import io.filterwatch.trainer.data.TrainingData;
import io.filterwatch.trainer.model.ConvBn;
import io.filterwatch.trainer.model.Network;
import java.util.List;

/**
 * A 2-filter Conv(3x3, pad 1)-BN-ReLU, global average pool and a 2-class dense head on 5x5
 * single-channel images, with deterministic parameters, plus an independent forward pass in
 * plain Java doubles so tests can check what the trainer captured.
 */
public final class TinyNet {

    public static final int N = 4;
    public static final int H = 5;
    public static final int W = 5;
    public static final int F = 2;
    public static final int K = 2;
    /** Beta of filter 1 is very negative, so that filter is dead on every sample. */
    public static final double[] BETA = {0.1, -6.0};

    private TinyNet() {
    }

    /** w[i] = 0.5 sin(0.37 i + phase) for the i-th element of a parameter, row-major. */
    static double weight(int i, double phase) {
        return 0.5 * Math.sin(0.37 * i + phase);
    }

    public static Network network() {
        ConvBn conv = ConvBn.withRelu("conv1", F, 3, 1);
        conv.feeds(ConvBn.Consumer.dense(K));
        SequentialBlock block = new SequentialBlock()
                .add(conv)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(K).build());
        block.setInitializer(new SinInitializer(0.0), Parameter.Type.WEIGHT);
        block.setInitializer(new ValuesInitializer(BETA), Parameter.Type.BETA);
        return new Network("tiny", block, List.of(conv), new Shape(1, H, W), K);
    }

    /**
     * A residual block on the same images: a 3x3 Conv-BN branch (TinyNet's conv, same weights and
     * betas) and a 1x1 Conv-BN projection, summed, then ReLU, pooling and the dense head. Neither
     * conv has a ReLU of its own: both are captured as residual-sum inputs, whose response is the
     * ReLU of their BN output before the sum. The projection's weights are w[0] = 0.5 sin(0) = 0
     * and w[1] = 0.5 sin(0.37); see {@link #projection}.
     */
    public static Network residual() {
        ConvBn branch = ConvBn.withoutRelu("res.conv", F, 3, 1);
        ConvBn projection = ConvBn.withoutRelu("res.downsample", F, 1, 1);
        SequentialBlock block = new SequentialBlock()
                .add(new ParallelBlock(TinyNet::addThenRelu, List.of(new SequentialBlock().add(branch), projection)))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(K).build());
        block.setInitializer(new SinInitializer(0.0), Parameter.Type.WEIGHT);
        block.setInitializer(new ValuesInitializer(BETA), Parameter.Type.BETA);
        return new Network("tiny-residual", block, List.of(branch, projection), new Shape(1, H, W), K);
    }

    private static NDList addThenRelu(List<NDList> parts) {
        return new NDList(Activation.relu(parts.get(0).singletonOrThrow().add(parts.get(1).singletonOrThrow())));
    }

    /**
     * The residual net's 1x1 projection by hand: BN output before the sum, [n][f][y][x], for
     * samples in the given order (BN with batch statistics, gamma 1, beta {@link #BETA}).
     */
    public static double[][][][] projection(int[] order) {
        int n = order.length;
        double[][][][] out = new double[n][F][H][W];
        for (int f = 0; f < F; f++) {
            double c = (float) weight(f, 0.0);
            double mean = 0;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        mean += c * pixel(order[s], y, x);
                    }
                }
            }
            mean /= n * H * W;
            double var = 0;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        double d = c * pixel(order[s], y, x) - mean;
                        var += d * d;
                    }
                }
            }
            var /= n * H * W;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        out[s][f][y][x] = (c * pixel(order[s], y, x) - mean) / Math.sqrt(var + 1e-5) + BETA[f];
                    }
                }
            }
        }
        return out;
    }

    /** Image n: a fixed pattern; labels alternate. */
    public static double pixel(int n, int y, int x) {
        return Math.cos(0.9 * n + 0.5 * y * (n + 1) - 0.7 * x) + 0.1 * n;
    }

    public static TrainingData data() {
        return new TrainingData() {
            @Override
            public String name() {
                return "tiny";
            }

            @Override
            public int size() {
                return N;
            }

            @Override
            public int numClasses() {
                return K;
            }

            @Override
            public Shape sampleShape() {
                return new Shape(1, H, W);
            }

            @Override
            public void fill(int index, float[] target, int offset) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        target[offset + y * W + x] = (float) pixel(index, y, x);
                    }
                }
            }

            @Override
            public int label(int index) {
                return index % 2;
            }
        };
    }

    /** Parameters of the tiny net as doubles, initially as the initializers set them. */
    public static final class Params {
        public final double[][] conv = new double[F][9];
        public final double[] gamma = {1, 1};
        public final double[] beta = BETA.clone();
        public final double[][] dense = new double[K][F];
        public final double[] bias = new double[K];

        public Params() {
            for (int f = 0; f < F; f++) {
                for (int i = 0; i < 9; i++) {
                    conv[f][i] = (float) weight(f * 9 + i, 0.0);
                }
            }
            for (int k = 0; k < K; k++) {
                for (int f = 0; f < F; f++) {
                    dense[k][f] = (float) weight(k * F + f, 0.0);
                }
            }
        }
    }

    /** Post-ReLU output [n][f][y][x] for samples in the given order (BN uses batch statistics). */
    public static double[][][][] forward(Params p, int[] order) {
        int n = order.length;
        double[][][][] conv = new double[n][F][H][W];
        for (int s = 0; s < n; s++) {
            for (int f = 0; f < F; f++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        double acc = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = y + dy;
                                int xx = x + dx;
                                if (yy >= 0 && yy < H && xx >= 0 && xx < W) {
                                    acc += p.conv[f][(dy + 1) * 3 + dx + 1] * pixel(order[s], yy, xx);
                                }
                            }
                        }
                        conv[s][f][y][x] = acc;
                    }
                }
            }
        }
        double[][][][] out = new double[n][F][H][W];
        for (int f = 0; f < F; f++) {
            double mean = 0;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        mean += conv[s][f][y][x];
                    }
                }
            }
            mean /= n * H * W;
            double var = 0;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        double d = conv[s][f][y][x] - mean;
                        var += d * d;
                    }
                }
            }
            var /= n * H * W;
            for (int s = 0; s < n; s++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        double bn = p.gamma[f] * (conv[s][f][y][x] - mean) / Math.sqrt(var + 1e-5) + p.beta[f];
                        out[s][f][y][x] = Math.max(0, bn);
                    }
                }
            }
        }
        return out;
    }

    /** Mean softmax cross-entropy of the batch: the training loss. */
    public static double loss(Params p, int[] order) {
        double[][][][] out = forward(p, order);
        double total = 0;
        for (int s = 0; s < order.length; s++) {
            double[] logits = new double[K];
            for (int k = 0; k < K; k++) {
                logits[k] = p.bias[k];
                for (int f = 0; f < F; f++) {
                    double avg = 0;
                    for (double[] row : out[s][f]) {
                        for (double v : row) {
                            avg += v;
                        }
                    }
                    logits[k] += p.dense[k][f] * avg / (H * W);
                }
            }
            double max = Math.max(logits[0], logits[1]);
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            int label = order[s] % 2;
            total += -(logits[label] - max - Math.log(z));
        }
        return total / order.length;
    }

    private record SinInitializer(double phase) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) weight(i, phase);
            }
            return manager.create(v, shape);
        }
    }

    private record ValuesInitializer(double[] values) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values[i];
            }
            return manager.create(v, shape);
        }
    }

    /** r(n,f) by hand: the max of one output map (after BN and ReLU, so >= 0). */
    public static double spatialMax(double[][] map) {
        double m = 0;
        for (double[] row : map) {
            for (double v : row) {
                m = Math.max(m, v);
            }
        }
        return m;
    }
}
