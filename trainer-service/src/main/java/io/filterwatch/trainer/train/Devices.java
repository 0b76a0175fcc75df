package io.filterwatch.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import io.filterwatch.trainer.config.ComputeCapability;
import io.filterwatch.trainer.config.EngineKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training devices, from {@code filterwatch.trainer.devices}: {@code auto} (every GPU the
 * engine sees, data-parallel, else the CPU), {@code cpu}, {@code gpu} (every visible GPU, and fail
 * without one) or a list such as {@code gpu0,gpu2}. Each engine's GPU build has kernels for a
 * range of compute capabilities only ({@link EngineKind#supports}: MXNet 1.9.1's
 * CUDA 11.2 build up to 8.0, PyTorch 2.7.1's CUDA 12.8 build 7.5 to Blackwell); outside it the run
 * would fail deep inside the first kernel launch, so every GPU we train on is checked here and
 * refused with a message instead.
 */
public final class Devices {

    private static final Pattern GPU = Pattern.compile("gpu(\\d+)");

    private Devices() {
    }

    public static Device[] resolve(EngineKind engine, String setting) {
        return resolve(engine, setting, Engine.getEngine(engine.djlName()).getGpuCount(),
                CudaUtils::getComputeCapability);
    }

    static Device[] resolve(EngineKind engine, String setting, int visibleGpus, IntFunction<String> computeCapability) {
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
                    throw new IllegalStateException("filterwatch.trainer.devices=gpu, but " + engine.djlName()
                            + " sees no GPU (only its CPU natives on the classpath, or CUDA_VISIBLE_DEVICES empty?)");
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
                        throw new IllegalStateException("filterwatch.trainer.devices asks for gpu" + id + ", but "
                                + engine.djlName() + " sees " + visibleGpus + " GPU(s)");
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
            ComputeCapability cc = ComputeCapability.parse(computeCapability.apply(d.getDeviceId()));
            if (!engine.supports(cc)) {
                throw new IllegalStateException("GPU " + d.getDeviceId() + " has compute capability "
                        + cc + "; " + engine.gpuBuild() + ". Run this engine on other GPUs (the "
                        + "k8s/runs/gpu overlay picks nodes per engine; docs/operations.md, \"GPUs and engines\"), "
                        + "switch the engine (filterwatch.trainer.engine), leave this GPU out "
                        + "(filterwatch.trainer.devices=gpu0,...) or hide it (CUDA_VISIBLE_DEVICES); "
                        + "CUDA_VISIBLE_DEVICES= trains on the CPU.");
            }
        }
        return devices.toArray(Device[]::new);
    }

    private static void allGpus(List<Device> devices, int visibleGpus) {
        for (int i = 0; i < visibleGpus; i++) {
            devices.add(Device.gpu(i));
        }
    }
}
