package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training devices, from {@code filterwatch.trainer.devices}: {@code auto} (every GPU MXNet
 * sees, data-parallel, else the CPU), {@code cpu}, {@code gpu} (every visible GPU, and fail
 * without one) or a list such as {@code gpu0,gpu2}. MXNet 1.9.1 is built against CUDA 11.2; on
 * a GPU newer than compute capability 8.0 it would fail deep inside the first kernel launch, so
 * every GPU we train on is checked here and refused with a message instead.
 */
public final class Devices {

    private static final Pattern GPU = Pattern.compile("gpu(\\d+)");

    private Devices() {
    }

    public static Device[] resolve(String setting) {
        return resolve(setting, Engine.getEngine("MXNet").getGpuCount(), CudaUtils::getComputeCapability);
    }

    static Device[] resolve(String setting, int visibleGpus, IntFunction<String> computeCapability) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        List<Device> devices = new ArrayList<>();
        switch (s) {
            case "", "auto" -> {
                if (visibleGpus == 0) {
                    return new Device[] {Device.cpu()};
                }
                allGpus(devices, visibleGpus);
            }
            case "cpu" -> {
                return new Device[] {Device.cpu()};
            }
            case "gpu" -> {
                if (visibleGpus == 0) {
                    throw new IllegalStateException("filterwatch.trainer.devices=gpu, but MXNet sees no GPU "
                            + "(CPU-only mxnet-native-mkl on the classpath, or CUDA_VISIBLE_DEVICES empty?)");
                }
                allGpus(devices, visibleGpus);
            }
            default -> {
                for (String part : s.split(",")) {
                    Matcher m = GPU.matcher(part.trim());
                    if (!m.matches()) {
                        throw new IllegalArgumentException("filterwatch.trainer.devices: '" + part.trim()
                                + "' is not a device; use auto, cpu, gpu, or a list like gpu0,gpu1");
                    }
                    int id = Integer.parseInt(m.group(1));
                    if (id >= visibleGpus) {
                        throw new IllegalStateException("filterwatch.trainer.devices asks for gpu" + id + ", but MXNet "
                                + "sees " + visibleGpus + " GPU(s)");
                    }
                    Device d = Device.gpu(id);
                    if (devices.contains(d)) {
                        throw new IllegalArgumentException("filterwatch.trainer.devices lists gpu" + id + " twice");
                    }
                    devices.add(d);
                }
            }
        }
        for (Device d : devices) {
            String cc = computeCapability.apply(d.getDeviceId());
            if (tooNew(cc)) {
                throw new IllegalStateException("GPU " + d.getDeviceId() + " has compute capability " + cc.charAt(0)
                        + "." + cc.substring(1) + "; MXNet 1.9.1 (CUDA 11.2) supports at most 8.0. Run on older "
                        + "GPUs, leave this one out (filterwatch.trainer.devices=gpu0,...) or hide it "
                        + "(CUDA_VISIBLE_DEVICES); CUDA_VISIBLE_DEVICES= trains on the CPU.");
            }
        }
        return devices.toArray(Device[]::new);
    }

    private static void allGpus(List<Device> devices, int visibleGpus) {
        for (int i = 0; i < visibleGpus; i++) {
            devices.add(Device.gpu(i));
        }
    }

    static boolean tooNew(String computeCapability) {
        int major = computeCapability.charAt(0) - '0';
        int minor = computeCapability.length() > 1 ? Integer.parseInt(computeCapability.substring(1)) : 0;
        return major > 8 || (major == 8 && minor > 0);
    }
}
