package io.filterwatch.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import io.filterwatch.protocol.PruningPlanCalculator;
import io.filterwatch.protocol.RunTopology;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.Datasets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RunTopology} of a {@link Network}, read from its block tree (not from a second description
 * that could drift from it): what each captured conv layer reads, which outputs meet in residual sums,
 * and the shapes that count parameters and FLOPs. Shapes come from the blocks' own shape inference on a
 * batch of 1, so the network need not be initialized (no parameters are allocated).
 *
 * <p>The walk knows the block kinds {@link Networks} builds: {@link SequentialBlock} (in order),
 * {@link ConvBn} (a node), {@link ParallelBlock} (always {@code Networks.addThenRelu}: a residual sum
 * then ReLU, a node), {@link Linear} (the head) and {@link LambdaBlock}s that act on each channel alone
 * (pooling, flatten, the identity shortcut), which are not nodes. Anything else is refused, so a new kind
 * of block cannot slip into a wrong plan.
 */
public final class ModelTopology {

    private final Network net;
    private final List<RunTopology.Layer> layers = new ArrayList<>();
    private final List<RunTopology.Sum> sums = new ArrayList<>();
    private RunTopology.Head head;

    private ModelTopology(Network net) {
        this.net = net;
    }

    /** The topology of a built network, for its sample shape. */
    public static RunTopology of(Network net) {
        ModelTopology t = new ModelTopology(net);
        Shape s = net.sampleShape();
        t.walk(net.block(), new Node(RunTopology.INPUT, new Shape(1, s.get(0), s.get(1), s.get(2))));
        return new RunTopology(RunTopology.VERSION, net.name(), t.layers, t.sums, t.head);
    }

    /**
     * The topology of the network a run will train, for the shapes its data set declares (as describe
     * mode sizes a run; {@link Datasets#declaredSampleShape}): the trainer publishes it with STARTED,
     * before the session builds its own copy.
     */
    public static RunTopology of(RunConfig config) {
        Shape sample = Datasets.declaredSampleShape(config.dataset(), config.imageSize(), 1);
        return of(Networks.build(config.model(), config.widths(), sample,
                Datasets.declaredClasses(config.dataset(), config.syntheticClasses())));
    }

    /** A tensor of the walk: the node whose channels it carries, and its shape (N, C, H, W). */
    private record Node(String name, Shape shape) {
    }

    private Node walk(Block block, Node in) {
        if (block instanceof ConvBn unit) {
            Shape out = unit.getOutputShapes(new Shape[] {in.shape()})[0];
            layers.add(new RunTopology.Layer(unit.layerName(), net.capturedLayers().indexOf(unit), in.name(), unit.filters(),
                    (int) in.shape().get(1), unit.kernel(), unit.stride(), padding(unit), (int) out.get(2), (int) out.get(3),
                    unit.hasRelu()));
            return new Node(unit.layerName(), out);
        }
        if (block instanceof SequentialBlock seq) {
            Node x = in;
            for (Block child : seq.getChildren().values()) {
                x = walk(child, x);
            }
            return x;
        }
        if (block instanceof ParallelBlock parallel) {
            List<String> inputs = new ArrayList<>();
            Shape shape = null;
            for (Block branch : parallel.getChildren().values()) {
                Node out = walk(branch, in);
                if (shape != null && !shape.equals(out.shape())) {
                    throw new IllegalArgumentException("a residual sum of " + shape + " and " + out.shape());
                }
                shape = out.shape();
                inputs.add(out.name());
            }
            String name = sumName(parallel);
            sums.add(new RunTopology.Sum(name, inputs));
            return new Node(name, shape);
        }
        if (block instanceof Linear linear) {
            Shape out = linear.getOutputShapes(new Shape[] {in.shape()})[0];
            head = new RunTopology.Head(in.name(), (int) out.get(1));
            return new Node(PruningPlanCalculator.HEAD, out);
        }
        if (block instanceof LambdaBlock lambda) {
            return new Node(in.name(), lambda.getOutputShapes(new Shape[] {in.shape()})[0]);
        }
        throw new IllegalArgumentException("no topology for a " + block.getClass().getSimpleName()
                + " (ModelTopology knows the blocks Networks builds)");
    }

    /** The conv's own padding (height; Networks pads square), read from the block rather than restated. */
    private static int padding(ConvBn unit) {
        for (Block child : unit.getChildren().values()) {
            if (child instanceof Convolution conv) {
                return (int) conv.getPadding().get(0);
            }
        }
        throw new IllegalStateException(unit.layerName() + " has no convolution");
    }

    /** {@code layer1.0.sum} for the block whose first conv is {@code layer1.0.conv1}. */
    private String sumName(ParallelBlock block) {
        String first = firstConv(block);
        int dot = first == null ? -1 : first.lastIndexOf('.');
        return dot < 0 ? "sum" + sums.size() : first.substring(0, dot) + ".sum";
    }

    private static String firstConv(Block block) {
        if (block instanceof ConvBn unit) {
            return unit.layerName();
        }
        for (Block child : block.getChildren().values()) {
            String name = firstConv(child);
            if (name != null) {
                return name;
            }
        }
        return null;
    }
}
