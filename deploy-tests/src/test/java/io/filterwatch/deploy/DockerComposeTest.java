package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import io.filterwatch.testing.Prerequisites;

/**
 * docker-compose.yml: validated by docker-compose itself where installed (no engine needed for
 * {@code config}), and checked for the stack's structure in any case.
 */
class DockerComposeTest {
    static final String INSTALL_HINT = "docker-compose is not installed: install it with "
            + "`apt-get install -y --no-install-recommends docker-compose` (Debian's v1, no Docker engine needed; .ci/run does)";

    final Path root = RepoFiles.root();
    final Path file = root.resolve("docker-compose.yml");

    @Test
    void dockerComposeConfigQuietPasses() {
        Optional<Path> bin = Tools.find("docker-compose");
        Prerequisites.require(bin.isPresent(), INSTALL_HINT);
        Tools.Result r = Tools.run(root, cleanEnv(), 120, List.of(bin.get().toString(), "-f", "docker-compose.yml", "config", "-q"));
        assertThat(r.exitCode()).as("docker-compose config -q:\n" + r.stderr() + r.stdout()).isZero();
        // the gpu profile is valid too
        Tools.Result gpu = Tools.run(root, cleanEnv(), 120,
                List.of(bin.get().toString(), "-f", "docker-compose.yml", "--profile", "gpu", "config", "--services"));
        assertThat(gpu.exitCode()).as(gpu.stderr()).isZero();
        assertThat(gpu.stdout()).contains("trainer-service-gpu");
        Tools.Result cpu = Tools.run(root, cleanEnv(), 120, List.of(bin.get().toString(), "-f", "docker-compose.yml", "config", "--services"));
        assertThat(cpu.exitCode()).as(cpu.stderr()).isZero();
        assertThat(cpu.stdout()).contains("trainer-service");
    }

    @Test
    void servicesAreTheStack() {
        JsonNode services = compose().path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("kafka", "influxdb", "grafana", "trainer-service", "probe-service", "aggregator-service",
                "trainer-service-gpu");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + KafkaVersions.cluster(root));
        assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(services.path("influxdb").path("image").asText()).startsWith("influxdb:1.");
        assertThat(services.path("influxdb").path("environment").path("INFLUXDB_HTTP_AUTH_ENABLED").asText()).isEqualTo("true");
        assertThat(services.path("grafana").path("image").asText()).startsWith("grafana/grafana");
    }

    @Test
    void serviceImagesAreBuiltFromTheirDockerfilesAndListenOnTheQuarkusPort() {
        JsonNode services = compose().path("services");
        String version = RepoFiles.projectVersion(root);
        for (String svc : RepoFiles.SERVICES) {
            JsonNode s = services.path(svc);
            String artifact = RepoFiles.artifactId(root, svc);
            assertThat(s.path("image").asText()).as(svc + " image").isEqualTo(RepoFiles.IMAGE_REPOSITORY_PREFIX + artifact + ":" + version);
            Path context = root.resolve(s.path("build").path("context").asText()).normalize();
            assertThat(context).isEqualTo(root.resolve(svc));
            Path dockerfile = context.resolve(s.path("build").path("dockerfile").asText());
            assertThat(dockerfile).as(svc + " Dockerfile").isRegularFile();
            assertThat(root.relativize(dockerfile).toString()).startsWith(svc + "/src/main/docker/");
            Map<String, String> env = env(s);
            int port = RepoFiles.effectiveHttpPort(root, svc, env, dockerfile.getFileName().toString());
            assertThat(port).as(svc + " container HTTP port").isEqualTo(RepoFiles.CONTAINER_HTTP_PORT);
            assertThat(containerPorts(s)).as(svc + " published container port").contains(port);
            assertThat(env).as(svc + " env").containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0").containsKey("KAFKA_BOOTSTRAP_SERVERS");
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).startsWith("kafka:");
        }
        JsonNode gpu = services.path("trainer-service-gpu");
        assertThat(gpu.path("profiles").toString()).contains("gpu");
        assertThat(gpu.path("build").path("dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.gpu");
        assertThat(gpu.path("deploy").path("resources").path("reservations").path("devices").toString()).contains("nvidia");
        assertThat(services.path("trainer-service").has("profiles")).as("CPU trainer runs by default").isFalse();
        for (String trainer : List.of("trainer-service", "trainer-service-gpu")) {
            Map<String, String> env = env(services.path(trainer));
            assertThat(env).containsEntry("FILTERWATCH_TRAINER_MODE", "job").containsEntry("MXNET_ENGINE_TYPE", "NaiveEngine")
                    .containsKey("OMP_NUM_THREADS");
            assertThat(env.get("JAVA_OPTS_APPEND")).contains("-Dai.djl.offline=true");
        }
        Map<String, String> agg = env(services.path("aggregator-service"));
        assertThat(agg).containsKeys("INFLUXDB_URL", "INFLUXDB_DATABASE", "INFLUXDB_USERNAME", "INFLUXDB_PASSWORD");
        assertThat(agg.get("INFLUXDB_URL")).isEqualTo("http://influxdb:8086");
    }

    @Test
    void grafanaGetsItsProvisioningAndEveryVariableItNeeds() {
        JsonNode grafana = compose().path("services").path("grafana");
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode v : grafana.path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts.length >= 2) {
                mounts.put(parts[1], parts[0]);
            }
        }
        assertThat(mounts).containsEntry(RepoFiles.PROVISIONING_PATH, "./grafana/provisioning")
                .containsEntry(RepoFiles.DASHBOARDS_PATH, "./grafana/dashboards");
        assertThat(env(grafana)).containsKeys(RepoFiles.grafanaEnv(root).toArray(String[]::new));
        assertThat(env(grafana).get("INFLUXDB_URL")).isEqualTo("http://influxdb:8086");
        for (String m : mounts.values()) {
            if (m.startsWith("./")) {
                assertThat(root.resolve(m.substring(2))).as("mounted " + m).exists();
            }
        }
    }

    @Test
    void serviceImagesAreAlwaysBuiltFromTheCheckoutNeverACachedSnapshot() {
        JsonNode services = compose().path("services");
        for (String svc : List.of("trainer-service", "probe-service", "aggregator-service", "trainer-service-gpu")) {
            assertThat(services.path(svc).path("pull_policy").asText()).as(svc + " pull_policy").isEqualTo("build");
            assertThat(services.path(svc).has("build")).as(svc + " build").isTrue();
        }
    }

    /** Parsed with SnakeYAML, which resolves the anchors and merge keys ({@code <<}) as Compose does. */
    JsonNode compose() {
        assertThat(file).exists();
        Object doc = new org.yaml.snakeyaml.Yaml().load(RepoFiles.read(file));
        return RepoFiles.JSON.valueToTree(doc);
    }

    static Map<String, String> env(JsonNode service) {
        Map<String, String> out = new HashMap<>();
        JsonNode env = service.path("environment");
        if (env.isObject()) {
            env.fields().forEachRemaining(e -> {
                if (e.getKey().equals("<<")) {
                    JsonNode merged = e.getValue();
                    (merged.isArray() ? merged : List.of(merged)).forEach(m -> m.fields()
                            .forEachRemaining(x -> out.putIfAbsent(x.getKey(), x.getValue().asText())));
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        } else {
            for (JsonNode kv : env) {
                String[] p = kv.asText().split("=", 2);
                out.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        return out;
    }

    static List<Integer> containerPorts(JsonNode service) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode p : service.path("ports")) {
            String[] parts = p.asText().split(":");
            out.add(Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", "")));
        }
        return out;
    }

    static Map<String, String> cleanEnv() {
        // Every variable of docker-compose.yml has a default (${X:-default}): no env needed.
        return Map.of();
    }
}
