package io.filterwatch.trainer.api;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.filterwatch.trainer.capture.CapturePlan;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.Datasets;
import io.filterwatch.trainer.model.Network;
import io.filterwatch.trainer.model.Networks;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code filterwatch.trainer.mode=describe}: builds the network of the run configured by
 * {@code filterwatch.run.*} for its input shape, trains nothing, reads no data, and returns what
 * the run would capture ({@link CapturePlan}).
 */
public final class DescribeMode {

    private DescribeMode() {
    }

    /**
     * The run to describe. A ResNet without a configured data set is described for ImageNet
     * (an image folder: 3 x 224 x 224, 1,000 classes), the inputs it is built for; a run would
     * otherwise default to Fashion-MNIST's 28 x 28.
     */
    public static RunConfig config(Map<String, String> fields) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        String model = f.get("model");
        if (!f.containsKey("dataset") && model != null && model.toLowerCase(Locale.ROOT).startsWith("resnet")) {
            f.put("dataset", "image_folder");
        }
        return JobRunConfig.fromProperties(f);
    }

    public static CapturePlan plan(RunConfig config) {
        // Synthetic data has one channel, as TrainingSession opens it.
        Shape sample = Datasets.declaredSampleShape(config.dataset(), config.imageSize(), 1);
        Network net = Networks.build(config.model(), config.widths(), sample,
                Datasets.declaredClasses(config.dataset(), config.syntheticClasses()));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            // Initializing gives every layer its output size; batch 1 keeps it small (ResNet-50: ~100 MB).
            net.block().initialize(manager, DataType.FLOAT32, new Shape(1, sample.get(0), sample.get(1), sample.get(2)));
            return CapturePlan.of(config, net);
        }
    }
}
