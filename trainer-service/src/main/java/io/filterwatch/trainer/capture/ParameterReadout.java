package io.filterwatch.trainer.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

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
     * The gradient array as the backward pass left it: dLoss/dw only, because MXNet adds the
     * weight decay inside the optimizer's update operator, never into this array.
     */
    static float[] gradient(Parameter p) {
        // getGradient() wraps MXNet's grad buffer in a new handle; closing the handle releases
        // only the handle, the buffer stays attached to the parameter.
        try (NDArray g = p.getArray().getGradient()) {
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
