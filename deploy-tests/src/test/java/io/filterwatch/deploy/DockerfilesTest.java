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
        List<String> stages = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(g);
        while (m.find()) {
            stages.add(m.group(1));
        }
        assertThat(stages).hasSize(2);
        assertThat(stages.get(1)).isEqualTo("${CUDA_IMAGE}");
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
