package io.filterwatch.trainer.capture;

import io.filterwatch.protocol.SnapshotCodec;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.model.ConvBn;
import io.filterwatch.trainer.model.FilterCost;
import io.filterwatch.trainer.model.Network;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run would capture, before it trains: per captured layer its filters, output map, own
 * parameters and multiply-accumulates, and the bytes of its snapshot as {@link SnapshotCodec}
 * encodes it. {@code describe} mode prints it so that operators can size Kafka before a run.
 *
 * @param layers one entry per captured layer, in capture order
 */
public record CapturePlan(List<Layer> layers) {

    /**
     * @param parameters    the layer's own parameters: conv weights, BN gamma and beta
     * @param flops         its conv's multiply-accumulates per sample (FilterWatch's {@code flops})
     * @param snapshotBytes one encoded snapshot of the layer
     */
    public record Layer(String name, int filters, int height, int width, long parameters, long flops,
                        int snapshotBytes) {
    }

    public CapturePlan {
        layers = List.copyOf(layers);
    }

    /** @param net built and initialized for the run's input shape (layer output sizes are known) */
    public static CapturePlan of(RunConfig config, Network net) {
        // The strings the snapshot carries, as the session fills its TrainingContext and LayerInfo.
        int stringBytes = utf8(config.runId()) + utf8(config.optimizer().wireName());
        int rows = config.capture() ? LayerCapture.sampledRows(config.sampleSize(), config.batchSize()) : 0;
        boolean secondMoments = config.optimizer().adaptive();
        List<Layer> layers = new ArrayList<>();
        for (ConvBn l : net.capturedLayers()) {
            FilterCost own = l.ownFilterCost();
            layers.add(new Layer(l.layerName(), l.filters(), l.outHeight(), l.outWidth(),
                    (long) l.filters() * own.paramCount(), l.filters() * own.macs(),
                    SnapshotCodec.encodedSize(l.filters(), rows, secondMoments, stringBytes + utf8(l.layerName()))));
        }
        return new CapturePlan(layers);
    }

    public long filters() {
        return layers.stream().mapToLong(Layer::filters).sum();
    }

    /** Bytes of one snapshot of every layer: what each snapshot step publishes. */
    public long bytesPerRound() {
        return layers.stream().mapToLong(Layer::snapshotBytes).sum();
    }

    /**
     * The printed form: a header, one line per layer, and last {@code total: <L> layers, <F>
     * filters, <B> bytes per snapshot round} (numbers without separators, for scripts).
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>(layers.size() + 2);
        out.add(String.format(Locale.ROOT, "%-22s %5s %9s %10s %12s %14s", "layer", "C", "H x W", "parameters",
                "FLOPs", "snapshot bytes"));
        for (Layer l : layers) {
            out.add(String.format(Locale.ROOT, "%-22s %5d %9s %10d %12d %14d", l.name(), l.filters(),
                    l.height() + " x " + l.width(), l.parameters(), l.flops(), l.snapshotBytes()));
        }
        out.add("total: " + layers.size() + " layers, " + filters() + " filters, " + bytesPerRound()
                + " bytes per snapshot round");
        return out;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
