package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The services' Dockerfiles (no engine here to build them): layout, port, user, trainer settings. */
class DockerfilesTest {
    final Path root = RepoFiles.root();

    @Test
    void everyServiceHasAJvmDockerfileInQuarkusLayoutListeningOnItsHttpPortAsNonRoot() {
        for (String svc : RepoFiles.SERVICES) {
            Path f = root.resolve(svc).resolve("src/main/docker/Dockerfile.jvm");
            assertThat(f).as(svc).isRegularFile();
            checkCommon(svc, f);
        }
    }

    @Test
    void trainerImagesRunOfflineWithNaiveEngine() {
        Path cpu = root.resolve("trainer-service/src/main/docker/Dockerfile.jvm");
        Path gpu = root.resolve("trainer-service/src/main/docker/Dockerfile.gpu");
        assertThat(gpu).isRegularFile();
        checkCommon("trainer-service", gpu);
        for (Path f : List.of(cpu, gpu)) {
            String text = RepoFiles.read(f);
            assertThat(text).as(f.toString()).contains("-Dai.djl.offline=true", "MXNET_ENGINE_TYPE=NaiveEngine",
                    "OMP_NUM_THREADS=", "FILTERWATCH_TRAINER_MODE=job", "DJL_CACHE_DIR=");
        }
        String g = RepoFiles.read(gpu);
        // CUDA natives baked at build time, found through MXNET_LIBRARY_PATH at run time
        assertThat(g).contains("MXNET_FLAVOR=cu112mkl", "MXNET_VERSION=1.9.1", "MXNET_LIBRARY_PATH=/opt/mxnet",
                "COPY --from=natives /opt/mxnet/", "CUDA_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04", "FILTERWATCH_TRAINER_DEVICES=gpu");
        List<String> stages = stages(g);
        assertThat(stages).hasSize(2);
        assertThat(stages.get(1)).isEqualTo("${CUDA_IMAGE}");
    }

    @Test
    void pytorchGpuImageBakesLibtorchForCuda12AndRunsOffline() {
        Path f = root.resolve("trainer-service/src/main/docker/Dockerfile.pytorch-gpu");
        assertThat(f).isRegularFile();
        checkCommon("trainer-service", f);
        String t = RepoFiles.read(f);
        // libtorch's CUDA 12.8 build fetched during docker build, found through PYTORCH_LIBRARY_PATH;
        // PYTORCH_FLAVOR picks the cu128 JNI library in the pytorch-jni jar (no download offline).
        assertThat(t).contains("-Dai.djl.offline=true", "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128",
                "PYTORCH_LIBRARY_PATH=/opt/libtorch", "COPY --from=natives /opt/libtorch/",
                "CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04", "FILTERWATCH_TRAINER_ENGINE=pytorch",
                "FILTERWATCH_TRAINER_DEVICES=gpu", "FILTERWATCH_TRAINER_MODE=job", "DJL_CACHE_DIR=", "OMP_NUM_THREADS=");
        assertThat(t).doesNotContain("MXNET_LIBRARY_PATH");
        List<String> stages = stages(t);
        assertThat(stages).containsExactly("debian:bookworm-slim", "${CUDA_IMAGE}");
        // The pinned versions agree with the Maven build's (pom.xml).
        assertThat(RepoFiles.read(root.resolve("pom.xml"))).contains("<pytorch.native.version>2.7.1</pytorch.native.version>");
    }

    /** The image of each FROM line, in order. */
    static List<String> stages(String dockerfile) {
        List<String> stages = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
        while (m.find()) {
            stages.add(m.group(1));
        }
        return stages;
    }

    void checkCommon(String svc, Path f) {
        String text = RepoFiles.read(f);
        int port = RepoFiles.effectiveHttpPort(root, svc, java.util.Map.of(), f.getFileName().toString());
        assertThat(port).as(f + " container HTTP port").isEqualTo(RepoFiles.CONTAINER_HTTP_PORT);
        assertThat(text).as(f.toString()).contains("EXPOSE " + port, "target/quarkus-app/lib/", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/", "quarkus-run.jar", "QUARKUS_HTTP_HOST=0.0.0.0");
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(text);
        String last = null;
        while (user.find()) {
            last = user.group(1);
        }
        assertThat(last).as(f + " final USER").isNotNull().isNotIn("root", "0");
        assertThat(text).as(f.toString()).containsPattern("(?m)^ENTRYPOINT ");
    }
}
