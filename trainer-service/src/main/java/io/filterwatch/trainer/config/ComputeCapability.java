package io.filterwatch.trainer.config;

/**
 * A GPU's CUDA compute capability. DJL's {@code CudaUtils.getComputeCapability} reports it as the
 * major digits followed by one digit of minor ("80" for 8.0, "100" for 10.0); this is the one place
 * that reads that form, for the engines' support table and for error messages.
 */
public record ComputeCapability(int major, int minor) {

    public static ComputeCapability parse(String cuda) {
        if (cuda == null || !cuda.matches("\\d{2,3}")) {
            throw new IllegalArgumentException("not a CUDA compute capability (major digits then one minor digit, "
                    + "like 80 or 100): '" + cuda + "'");
        }
        int n = cuda.length();
        return new ComputeCapability(Integer.parseInt(cuda.substring(0, n - 1)), cuda.charAt(n - 1) - '0');
    }

    /** "8.0", "10.0": how NVIDIA's tables write it. */
    @Override
    public String toString() {
        return major + "." + minor;
    }
}
