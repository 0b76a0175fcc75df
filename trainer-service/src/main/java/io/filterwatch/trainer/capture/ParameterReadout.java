package io.filterwatch.trainer.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.filterwatch.trainer.model.ConvBn;
import java.util.List;

/**
 * Copies parameter values and gradients to the JVM without creating NDArrays on the model's
 * manager (results of operations on parameter arrays would attach there and leak).
 */
final class ParameterReadout {

    private ParameterReadout() {
    }

    static float[] values(Parameter p) {
        return p.getArray().toFloatArray();
    }

    /**
     * The gradient as the backward pass left it: dLoss/dw only, because MXNet adds the weight
     * decay inside the optimizer's update operator, never into these arrays. Under data
     * parallelism each device holds the gradient of its part of the batch; their sum is what
     * the optimizer gets (MXNet's KVStore sums them), so that is what we report.
     *
     * @param devices the devices that trained this step (empty: the parameter's own array)
     */
    static float[] gradient(ConvBn layer, Parameter p, List<Device> devices) {
        if (devices.isEmpty()) {
            return gradientOf(p.getArray());
        }
        float[] sum = gradientOf(layer.parameterOn(p, devices.get(0)));
        for (int d = 1; d < devices.size(); d++) {
            float[] g = gradientOf(layer.parameterOn(p, devices.get(d)));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += g[i];
            }
        }
        return sum;
    }

    private static float[] gradientOf(NDArray parameter) {
        // getGradient() wraps MXNet's grad buffer in a new handle; closing the handle releases
        // only the handle, the buffer stays attached to the parameter.
        try (NDArray g = parameter.getGradient()) {
            return g.toFloatArray();
        }
    }

    /** L2 norm of each of the {@code rows} consecutive slices of {@code values}. */
    static float[] rowNorms(float[] values, int rows) {
        int width = values.length / rows;
        float[] norms = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = r * width, end = i + width; i < end; i++) {
                s += (double) values[i] * values[i];
            }
            norms[r] = (float) Math.sqrt(s);
        }
        return norms;
    }

    /** sqrt of the mean of each slice: the RMS of a filter's conv weights' second moments. */
    static float[] rowRootMean(float[] meanSquares, int rows) {
        int width = meanSquares.length / rows;
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = r * width, end = i + width; i < end; i++) {
                s += meanSquares[i];
            }
            out[r] = (float) Math.sqrt(s / width);
        }
        return out;
    }

    static float[] sqrt(float[] meanSquares) {
        float[] out = new float[meanSquares.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.sqrt(meanSquares[i]);
        }
        return out;
    }
}
