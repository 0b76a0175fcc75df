package io.filterwatch.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A convolution without bias followed by BatchNorm and, optionally, ReLU; every unit is captured.
 * In training mode it keeps its outputs of the current step (one per forward pass: one per device
 * split under data parallelism) so that the capture can reduce them after backward: with ReLU the
 * post-ReLU output; without (the last conv of a residual branch and a projection shortcut, whose
 * output joins the residual sum and whose ReLU comes after it) the BN output before the sum, of
 * which the capture tests the ReLU (docs/metrics.md, "Residual sums": the channel's response is
 * zero exactly when it never adds anything positive to the sum). With a reduction set
 * ({@link #reduceOutputInForward}, the capture's spatial max) it also reduces each kept output
 * right where it is made, outside autograd's recording, while the values are still in the caches.
 */
public final class ConvBn extends AbstractBlock {

    private final String layerName;
    private final int filters;
    private final int kernel;
    private final int stride;
    private final boolean relu;
    private final Conv2d conv;
    private final BatchNorm bn;

    private int inChannels;
    private int outHeight;
    private int outWidth;
    /** Where this unit's filters go next, for pruning costs; null when unknown. */
    private Consumer consumer;
    /** Outputs of the current training step (post-ReLU, or BN before the sum), in split order; owned by the step's NDManagers. */
    private final List<NDArray> outputs = new ArrayList<>(2);
    /** The trainer's store, which holds this unit's parameter copy on every training device. */
    private ParameterStore store;
    private boolean keepOutput = true;
    /**
     * A reduction of the kept output taken inside the forward pass, right after the ReLU, while
     * the output is still in the CPU's caches; null: none (the capture reduces after backward).
     */
    private UnaryOperator<NDArray> outputReduction;
    /** This step's results of {@link #outputReduction}, one per kept output, in split order. */
    private final List<NDArray> reductions = new ArrayList<>(2);
    /** Time spent in {@link #outputReduction} since the last {@link #takeReductionNanos()}. */
    private long reductionNanos;

    private ConvBn(String layerName, int filters, int kernel, int stride, boolean relu) {
        this.layerName = layerName;
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.relu = relu;
        int pad = kernel / 2;
        this.conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                // BN's beta is the bias: a conv bias would be a redundant, decayed parameter.
                .optBias(false)
                .build());
        this.bn = addChildBlock("bn", BatchNorm.builder().build());
    }

    /** Conv - BN - ReLU whose post-ReLU output is captured. */
    public static ConvBn withRelu(String layerName, int filters, int kernel, int stride) {
        return new ConvBn(layerName, filters, kernel, stride, true);
    }

    /** Conv - BN only (residual branch end, projection shortcut): its output joins a residual sum. */
    public static ConvBn withoutRelu(String layerName, int filters, int kernel, int stride) {
        return new ConvBn(layerName, filters, kernel, stride, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList x = conv.forward(store, inputs, training, params);
        x = bn.forward(store, x, training, params);
        NDArray out = relu ? Activation.relu(x.singletonOrThrow()) : x.singletonOrThrow();
        if (training && keepOutput) {
            outputs.add(out);
            this.store = store;
            if (outputReduction != null) {
                reductions.add(reduceOutsideAutograd(out));
            }
        }
        return new NDList(out);
    }

    /**
     * Runs the output reduction with autograd's recording and training mode off, as it ran after
     * backward (no graph node, the inference kernel), and restores both: the forward pass goes on
     * recording. With MXNet's NaiveEngine (and on PyTorch's CPU, which runs eagerly) the reduction
     * runs right away, on the values the ReLU has just written.
     */
    private NDArray reduceOutsideAutograd(NDArray out) {
        long t0 = System.nanoTime();
        try {
            return EngineOps.outsideAutograd(out, outputReduction);
        } finally {
            reductionNanos += System.nanoTime() - t0;
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return bn.getOutputShapes(conv.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        Shape[] convOut = conv.getOutputShapes(inputShapes);
        bn.initialize(manager, dataType, convOut);
        inChannels = (int) inputShapes[0].get(1);
        outHeight = (int) convOut[0].get(2);
        outWidth = (int) convOut[0].get(3);
    }

    /**
     * The post-ReLU outputs of the training forward passes since the last call, one per device
     * split in batch order (empty if none); the caller takes them over.
     */
    public List<NDArray> takeOutputs() {
        if (outputs.isEmpty()) {
            return List.of();
        }
        List<NDArray> out = List.copyOf(outputs);
        outputs.clear();
        return out;
    }

    /**
     * For callers that run one forward pass per step (the end-to-end test's ground truth): the
     * output of the last training forward pass, or null; drops the others.
     */
    public NDArray takeOutput() {
        NDArray out = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
        outputs.clear();
        return out;
    }

    /** Capture off keeps no reference to the outputs, so the benchmark's baseline is clean. */
    public void keepOutput(boolean keep) {
        this.keepOutput = keep;
        if (!keep) {
            outputs.clear();
            reductions.clear();
        }
    }

    /**
     * Reduce every kept output inside the forward pass with {@code reduction} (for the capture:
     * the spatial max), outside autograd's recording; null stops it. The results come from
     * {@link #takeReductions()}, the outputs themselves still from {@link #takeOutputs()}.
     */
    public void reduceOutputInForward(UnaryOperator<NDArray> reduction) {
        this.outputReduction = reduction;
        if (reduction == null) {
            reductions.clear();
        }
    }

    /**
     * The in-forward reductions of this step's kept outputs since the last call, one per device
     * split in batch order (empty if none or no reduction is set); the caller takes them over.
     */
    public List<NDArray> takeReductions() {
        if (reductions.isEmpty()) {
            return List.of();
        }
        List<NDArray> out = List.copyOf(reductions);
        reductions.clear();
        return out;
    }

    /** Nanoseconds spent in the in-forward reduction since the last call. */
    public long takeReductionNanos() {
        long n = reductionNanos;
        reductionNanos = 0;
        return n;
    }

    /**
     * This unit's copy of {@code p} on {@code device}, as the last training forward pass used it
     * (the copy holds that device's gradient); the parameter itself when not trained yet.
     */
    public NDArray parameterOn(Parameter p, Device device) {
        ParameterStore s = store;
        return s == null ? p.getArray() : s.getValue(p, device, true);
    }

    public void feeds(Consumer consumer) {
        this.consumer = consumer;
    }

    /** Whether a ReLU of its own follows the BN; false when the output joins a residual sum first. */
    public boolean hasRelu() {
        return relu;
    }

    public String layerName() {
        return layerName;
    }

    public int filters() {
        return filters;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outHeight() {
        return outHeight;
    }

    public int outWidth() {
        return outWidth;
    }

    public Parameter weight() {
        return conv.getParameters().get("weight");
    }

    public Parameter gamma() {
        return bn.getParameters().get("gamma");
    }

    public Parameter beta() {
        return bn.getParameters().get("beta");
    }

    /** Per filter, its own part only: conv weights + gamma + beta, and the conv's MACs per sample. */
    public FilterCost ownFilterCost() {
        long own = (long) inChannels * kernel * kernel;
        return new FilterCost((int) Math.min(Integer.MAX_VALUE, own + 2), own * outHeight * outWidth);
    }

    /** Per filter: weights + gamma + beta, plus the consumer's input slice where known. */
    public FilterCost filterCost() {
        FilterCost own = ownFilterCost();
        long params = own.paramCount();
        long macs = own.macs();
        if (consumer != null) {
            params += consumer.paramsPerInputChannel();
            macs += consumer.macsPerInputChannel();
        }
        return new FilterCost((int) Math.min(Integer.MAX_VALUE, params), macs);
    }

    /**
     * What consumes a unit's output channels: removing a filter removes one input slice of it.
     * Evaluated lazily because the consumer's output size is only known after initialization.
     */
    public interface Consumer {
        long paramsPerInputChannel();

        long macsPerInputChannel();

        static Consumer conv(ConvBn next) {
            return new Consumer() {
                @Override
                public long paramsPerInputChannel() {
                    return (long) next.filters * next.kernel * next.kernel;
                }

                @Override
                public long macsPerInputChannel() {
                    return paramsPerInputChannel() * next.outHeight * next.outWidth;
                }
            };
        }

        /** A dense head after global pooling: one weight per class per channel. */
        static Consumer dense(int units) {
            return new Consumer() {
                @Override
                public long paramsPerInputChannel() {
                    return units;
                }

                @Override
                public long macsPerInputChannel() {
                    return units;
                }
            };
        }
    }
}
