package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.filterwatch.testing.Prerequisites;

import io.filterwatch.protocol.influx.InfluxSchema;

/**
 * Renders k8s/base and every overlay under k8s/overlays with {@code kubectl kustomize} (or
 * {@code kustomize build}) and checks the objects: each parses as its Kubernetes type (no unknown
 * field), every referenced ConfigMap, Secret, Service and Kafka topic exists (or is a Secret that
 * Strimzi creates or docs/operations.md tells how to create), and images, ports and probes agree
 * with the services' configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KustomizeOverlaysTest {
    static final String NAMESPACE = "filterwatch";
    static final String KAFKA_CLUSTER = "filterwatch";
    static final Set<String> TOPICS = Set.of("filterwatch.snapshots", "filterwatch.snapshots.dlq", "filterwatch.filter-stats",
            "filterwatch.layer-stats", "filterwatch.alerts", "filterwatch.runs");
    static final Map<String, String> KAFKA_USER = Map.of("trainer-service", "filterwatch-trainer",
            "probe-service", "filterwatch-probe", "aggregator-service", "filterwatch-aggregator");
    static final Map<String, String> CONSUMER_GROUP = Map.of("probe-service", "filterwatch-probe",
            "aggregator-service", "filterwatch-aggregator");
    static final Map<String, Class<?>> TYPED = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "batch/v1/Job", Job.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
    /** Custom resources: checked against their operators' own models (strimziObjects..., kedaObjects...). */
    static final Set<String> CUSTOM = Set.of(
            "kafka.strimzi.io/v1/KafkaNodePool", "kafka.strimzi.io/v1/Kafka",
            "kafka.strimzi.io/v1/KafkaTopic", "kafka.strimzi.io/v1/KafkaUser",
            "keda.sh/v1alpha1/ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication");
    /** Strimzi 1.2.0's supported Kafka versions (kafka-versions.yaml of its 1.2.0 tag; 4.3.1 the default). */
    static final Set<String> STRIMZI_KAFKA_VERSIONS = Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1");
    /** The KEDA release whose CRDs (src/test/resources/crds/keda) the ScaledObject and TriggerAuthentication are checked against. */
    static final String KEDA_VERSION = "2.20.2";
    static final String INSTALL_HINT = "neither kubectl nor kustomize is installed: the kustomize checks are skipped. "
            + "Install kubectl (it embeds kustomize), e.g. the machine image's kubectl or Debian's kubernetes-client "
            + "(too old: its kustomize v2 lacks 'labels'), or a kustomize binary on PATH";

    final Path root = RepoFiles.root();
    final ObjectMapper typedMapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    /** Every render: the stacks and the runs. */
    final Map<String, List<JsonNode>> rendered = new LinkedHashMap<>();
    /** k8s/base and k8s/overlays/*: what `kubectl apply -k` deploys. */
    final Map<String, List<JsonNode>> stacks = new LinkedHashMap<>();
    /** k8s/runs/*: training runs, submitted on their own. */
    final Map<String, List<JsonNode>> runs = new LinkedHashMap<>();
    /** Each stack together with each run ("k8s/overlays/local + k8s/runs/gpu"): what runs in the namespace. */
    final Map<String, List<JsonNode>> combined = new LinkedHashMap<>();

    @BeforeAll
    void render() throws Exception {
        Optional<Path> kubectl = Tools.find("kubectl");
        Optional<Path> kustomize = Tools.find("kustomize");
        Prerequisites.require(kubectl.isPresent() || kustomize.isPresent(), INSTALL_HINT);
        List<Path> stackDirs = new ArrayList<>();
        stackDirs.add(root.resolve("k8s/base"));
        try (Stream<Path> s = Files.list(root.resolve("k8s/overlays"))) {
            s.filter(Files::isDirectory).sorted().forEach(stackDirs::add);
        }
        List<Path> runDirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve("k8s/runs"))) {
            s.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().forEach(runDirs::add);
        }
        assertThat(stackDirs.stream().map(d -> d.getFileName().toString())).contains("base", "local");
        assertThat(runDirs.stream().map(d -> d.getFileName().toString())).contains("base", "example", "gpu",
                "gpu-pytorch");
        for (Path dir : stackDirs) {
            stacks.put(rel(dir), render(kubectl, kustomize, dir));
        }
        for (Path dir : runDirs) {
            runs.put(rel(dir), render(kubectl, kustomize, dir));
        }
        rendered.putAll(stacks);
        rendered.putAll(runs);
        for (var st : stacks.entrySet()) {
            for (var run : runs.entrySet()) {
                List<JsonNode> both = new ArrayList<>(st.getValue());
                both.addAll(run.getValue());
                combined.put(st.getKey() + " + " + run.getKey(), both);
            }
        }
    }

    String rel(Path dir) {
        return root.relativize(dir).toString().replace('\\', '/');
    }

    List<JsonNode> render(Optional<Path> kubectl, Optional<Path> kustomize, Path dir) {
        List<String> cmd = kubectl.isPresent()
                ? List.of(kubectl.get().toString(), "kustomize", dir.toString())
                : List.of(kustomize.get().toString(), "build", dir.toString());
        Tools.Result r = Tools.run(root, Map.of(), 180, cmd);
        assertThat(r.exitCode()).as(String.join(" ", cmd) + "\n" + r.stderr()).isZero();
        List<JsonNode> docs = RepoFiles.yamlDocuments(r.stdout());
        assertThat(docs).as(dir + " renders objects").isNotEmpty();
        return docs;
    }

    @Test
    void everyObjectParsesAsItsKubernetesType() throws Exception {
        List<String> problems = new ArrayList<>();
        for (var e : rendered.entrySet()) {
            for (JsonNode o : e.getValue()) {
                String id = e.getKey() + ": " + o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
                String apiVersion = o.path("apiVersion").asText("");
                String kind = o.path("kind").asText("");
                if (apiVersion.isBlank() || kind.isBlank() || o.path("metadata").path("name").asText("").isBlank()) {
                    problems.add(id + ": apiVersion, kind and metadata.name are required");
                    continue;
                }
                String key = apiVersion + "/" + kind;
                Class<?> type = TYPED.get(key);
                if (type != null) {
                    Object typed = typedMapper.treeToValue(o, type);
                    List<String> unknown = new ArrayList<>();
                    unknownFields(typed, kind, unknown, 0);
                    unknown.forEach(u -> problems.add(id + ": unknown field " + u));
                } else if (CUSTOM.contains(key)) {
                    GenericKubernetesResource g = typedMapper.treeToValue(o, GenericKubernetesResource.class);
                    if (g.getAdditionalProperties().get("spec") == null) {
                        problems.add(id + ": no spec");
                    }
                } else {
                    problems.add(id + ": unexpected apiVersion/kind " + key);
                }
                if (!"Namespace".equals(kind) && !NAMESPACE.equals(o.path("metadata").path("namespace").asText())) {
                    problems.add(id + ": not in namespace " + NAMESPACE);
                }
                if (!"filterwatch".equals(o.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())) {
                    problems.add(id + ": no label app.kubernetes.io/part-of=filterwatch");
                }
                String name = o.path("metadata").path("name").asText();
                if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
                    problems.add(id + ": invalid name");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noSecretIsCommitted() {
        for (var e : rendered.entrySet()) {
            assertThat(e.getValue().stream().map(o -> o.path("kind").asText())).as(e.getKey()).doesNotContain("Secret");
        }
    }

    @Test
    void everyReferencedConfigMapSecretServiceAndTopicExists() {
        Map<String, Set<String>> documented = documentedSecrets();
        List<String> problems = new ArrayList<>();
        for (var e : combined.entrySet()) {
            Objects objs = new Objects(e.getValue());
            Map<String, Set<String>> secrets = new HashMap<>(documented);
            for (JsonNode u : objs.ofKind("KafkaUser")) {
                secrets.put(name(u), Set.of("password", "sasl.jaas.config"));
            }
            for (JsonNode k : objs.ofKind("Kafka")) {
                secrets.put(name(k) + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"));
            }
            Map<String, Set<String>> configMaps = new HashMap<>();
            for (JsonNode c : objs.ofKind("ConfigMap")) {
                Set<String> keys = new HashSet<>();
                c.path("data").fieldNames().forEachRemaining(keys::add);
                configMaps.put(name(c), keys);
            }
            String where = e.getKey() + ": ";
            for (JsonNode w : objs.workloads()) {
                String id = where + w.path("kind").asText() + "/" + name(w);
                JsonNode pod = w.path("spec").path("template").path("spec");
                for (JsonNode v : pod.path("volumes")) {
                    if (v.has("configMap")) {
                        ref(problems, id, "ConfigMap", configMaps, v.path("configMap").path("name").asText(), items(v.path("configMap")));
                    }
                    if (v.has("secret")) {
                        ref(problems, id, "Secret", secrets, v.path("secret").path("secretName").asText(), items(v.path("secret")));
                    }
                }
                for (JsonNode ips : pod.path("imagePullSecrets")) {
                    ref(problems, id, "Secret", secrets, ips.path("name").asText(), Set.of());
                }
                for (JsonNode c : containers(pod)) {
                    Set<String> mounts = new HashSet<>();
                    c.path("volumeMounts").forEach(m -> mounts.add(m.path("name").asText()));
                    Set<String> volumes = new HashSet<>();
                    pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
                    w.path("spec").path("volumeClaimTemplates").forEach(v -> volumes.add(name(v)));
                    mounts.removeAll(volumes);
                    if (!mounts.isEmpty()) {
                        problems.add(id + ": mounts volumes that are not declared: " + mounts);
                    }
                    for (JsonNode env : c.path("env")) {
                        JsonNode from = env.path("valueFrom");
                        if (from.has("secretKeyRef")) {
                            // optional refs too: every Secret the manifests mention must be documented
                            ref(problems, id, "Secret", secrets, from.path("secretKeyRef").path("name").asText(),
                                    Set.of(from.path("secretKeyRef").path("key").asText()));
                        }
                        if (from.has("configMapKeyRef")) {
                            ref(problems, id, "ConfigMap", configMaps, from.path("configMapKeyRef").path("name").asText(),
                                    Set.of(from.path("configMapKeyRef").path("key").asText()));
                        }
                        serviceRef(problems, id + " env " + env.path("name").asText(), objs, env.path("value").asText(""));
                    }
                    for (JsonNode ef : c.path("envFrom")) {
                        if (ef.has("secretRef")) {
                            ref(problems, id, "Secret", secrets, ef.path("secretRef").path("name").asText(), Set.of());
                        }
                        if (ef.has("configMapRef")) {
                            ref(problems, id, "ConfigMap", configMaps, ef.path("configMapRef").path("name").asText(), Set.of());
                        }
                    }
                }
                if ("StatefulSet".equals(w.path("kind").asText())) {
                    String svc = w.path("spec").path("serviceName").asText();
                    if (objs.named("Service", svc) == null) {
                        problems.add(id + ": serviceName " + svc + " has no Service");
                    }
                }
            }
            // Services select a pod template and target one of its named ports
            for (JsonNode s : objs.ofKind("Service")) {
                String id = where + "Service/" + name(s);
                List<JsonNode> pods = objs.selectedBy(s.path("spec").path("selector"));
                if (pods.isEmpty()) {
                    problems.add(id + ": selects no pod template");
                }
                for (JsonNode p : s.path("spec").path("ports")) {
                    JsonNode target = p.path("targetPort");
                    for (JsonNode pod : pods) {
                        boolean found = false;
                        for (JsonNode c : containers(pod.path("spec"))) {
                            for (JsonNode cp : c.path("ports")) {
                                found |= target.isTextual() ? target.asText().equals(cp.path("name").asText())
                                        : target.asInt() == cp.path("containerPort").asInt();
                            }
                        }
                        if (!found) {
                            problems.add(id + ": targetPort " + target + " is no container port");
                        }
                    }
                }
            }
            // KEDA
            for (JsonNode so : objs.ofKind("ScaledObject")) {
                String id = where + "ScaledObject/" + name(so);
                JsonNode target = objs.named(so.path("spec").path("scaleTargetRef").path("kind").asText("Deployment"),
                        so.path("spec").path("scaleTargetRef").path("name").asText());
                if (target == null) {
                    problems.add(id + ": scale target missing");
                    continue;
                }
                for (JsonNode t : so.path("spec").path("triggers")) {
                    if (!"kafka".equals(t.path("type").asText())) {
                        continue;
                    }
                    JsonNode md = t.path("metadata");
                    JsonNode topic = objs.topic(md.path("topic").asText());
                    if (topic == null) {
                        problems.add(id + ": topic " + md.path("topic").asText() + " has no KafkaTopic");
                    } else if (so.path("spec").path("maxReplicaCount").asInt() > topic.path("spec").path("partitions").asInt()) {
                        problems.add(id + ": maxReplicaCount exceeds the partitions of " + md.path("topic").asText());
                    }
                    if (!CONSUMER_GROUP.get(name(target)).equals(md.path("consumerGroup").asText())) {
                        problems.add(id + ": consumerGroup is not " + CONSUMER_GROUP.get(name(target)));
                    }
                    serviceRef(problems, id + " bootstrapServers", objs, md.path("bootstrapServers").asText());
                    JsonNode auth = objs.named("TriggerAuthentication", t.path("authenticationRef").path("name").asText());
                    if (auth == null) {
                        problems.add(id + ": TriggerAuthentication " + t.path("authenticationRef").path("name").asText() + " missing");
                        continue;
                    }
                    Set<String> params = new HashSet<>();
                    for (JsonNode s : auth.path("spec").path("secretTargetRef")) {
                        params.add(s.path("parameter").asText());
                        ref(problems, id + " auth", "Secret", secrets, s.path("name").asText(), Set.of(s.path("key").asText()));
                    }
                    for (JsonNode env : auth.path("spec").path("env")) {
                        params.add(env.path("parameter").asText());
                        JsonNode c = containerNamed(target.path("spec").path("template").path("spec"), env.path("containerName").asText());
                        String value = c == null ? null : envValue(c, env.path("name").asText());
                        if (value == null || value.isBlank()) {
                            problems.add(id + " auth: env " + env.path("name").asText() + " not set on the target container");
                        }
                    }
                    if (!params.containsAll(Set.of("sasl", "username", "password", "tls", "ca"))) {
                        problems.add(id + ": TLS + SCRAM parameters incomplete: " + params);
                    }
                }
            }
            // Kafka users' ACLs name existing topics and only the service's own group
            for (JsonNode u : objs.ofKind("KafkaUser")) {
                for (JsonNode acl : u.path("spec").path("authorization").path("acls")) {
                    JsonNode r = acl.path("resource");
                    if ("topic".equals(r.path("type").asText()) && objs.topic(r.path("name").asText()) == null) {
                        problems.add(where + "KafkaUser/" + name(u) + ": ACL on missing topic " + r.path("name").asText());
                    }
                    if ("group".equals(r.path("type").asText()) && !CONSUMER_GROUP.containsValue(r.path("name").asText())) {
                        problems.add(where + "KafkaUser/" + name(u) + ": ACL on unknown group " + r.path("name").asText());
                    }
                    if (!"literal".equals(r.path("patternType").asText("literal"))) {
                        problems.add(where + "KafkaUser/" + name(u) + ": ACL pattern must be literal");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kafkaHasTlsScramListenerTopicsAndOneUserPerService() {
        for (var e : stacks.entrySet()) {
            Objects objs = new Objects(e.getValue());
            String where = e.getKey() + ": ";
            JsonNode kafka = objs.named("Kafka", KAFKA_CLUSTER);
            assertThat(kafka).as(where + "Kafka " + KAFKA_CLUSTER).isNotNull();
            boolean tlsScram = false;
            for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
                tlsScram |= l.path("tls").asBoolean() && "scram-sha-512".equals(l.path("authentication").path("type").asText());
                assertThat(l.path("tls").asBoolean()).as(where + "listener " + l.path("name").asText() + " uses TLS").isTrue();
            }
            assertThat(tlsScram).as(where + "a TLS listener with SCRAM-SHA-512").isTrue();
            assertThat(kafka.path("spec").path("kafka").path("authorization").path("type").asText()).isEqualTo("simple");
            List<JsonNode> pools = objs.ofKind("KafkaNodePool");
            assertThat(pools).as(where + "node pools").isNotEmpty();
            int brokers = 0;
            for (JsonNode p : pools) {
                assertThat(p.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(KAFKA_CLUSTER);
                if (p.path("spec").path("roles").toString().contains("broker")) {
                    brokers += p.path("spec").path("replicas").asInt();
                }
            }
            int minIsr = kafka.path("spec").path("kafka").path("config").path("min.insync.replicas").asInt(1);
            Set<String> topics = new HashSet<>();
            for (JsonNode t : objs.ofKind("KafkaTopic")) {
                String topic = t.path("spec").path("topicName").asText(name(t));
                topics.add(topic);
                assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(KAFKA_CLUSTER);
                int replicas = t.path("spec").path("replicas").asInt();
                assertThat(t.path("spec").path("partitions").asInt()).as(where + topic + " partitions").isPositive();
                assertThat(replicas).as(where + topic + " replicas <= brokers").isBetween(1, brokers);
                assertThat(minIsr).as(where + topic + " min.insync.replicas <= replicas").isLessThanOrEqualTo(replicas);
            }
            assertThat(topics).as(where + "topics").isEqualTo(TOPICS);
            assertThat(objs.topic("filterwatch.snapshots").path("spec").path("partitions").asInt())
                    .as("the probe scales by the snapshots' partitions").isGreaterThanOrEqualTo(3);
            for (String user : KAFKA_USER.values()) {
                JsonNode u = objs.named("KafkaUser", user);
                assertThat(u).as(where + "KafkaUser " + user).isNotNull();
                assertThat(u.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
                assertThat(u.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(KAFKA_CLUSTER);
            }
        }
    }

    @Test
    void serviceImagesPortsAndProbesAgreeWithTheServicesConfiguration() {
        String version = releaseVersion(root);
        for (var e : combined.entrySet()) {
            Objects objs = new Objects(e.getValue());
            boolean pytorch = e.getKey().endsWith("k8s/runs/gpu-pytorch");
            boolean gpu = pytorch || e.getKey().endsWith("k8s/runs/gpu");
            for (String svc : RepoFiles.SERVICES) {
                String where = e.getKey() + ": " + svc + ": ";
                JsonNode w = objs.workload(svc);
                assertThat(w).as(where + "workload").isNotNull();
                assertThat(w.path("kind").asText()).isEqualTo(svc.equals("trainer-service") ? "Job" : "Deployment");
                JsonNode pod = w.path("spec").path("template").path("spec");
                JsonNode c = containerNamed(pod, svc);
                assertThat(c).as(where + "container named after the service").isNotNull();
                boolean gpuTrainer = gpu && svc.equals("trainer-service");
                String expectedTag = version + (gpuTrainer ? (pytorch ? "-cu128" : "-cu112") : "");
                assertThat(c.path("image").asText()).as(where + "image")
                        .isEqualTo(RepoFiles.IMAGE_REPOSITORY_PREFIX + RepoFiles.artifactId(root, svc) + ":" + expectedTag);
                Map<String, String> containerEnv = new HashMap<>();
                c.path("env").forEach(x -> containerEnv.put(x.path("name").asText(), x.path("value").asText(null)));
                String dockerfile = gpuTrainer ? (pytorch ? "Dockerfile.pytorch-gpu" : "Dockerfile.gpu") : "Dockerfile.jvm";
                int port = RepoFiles.effectiveHttpPort(root, svc, containerEnv, dockerfile);
                assertThat(port).as(where + "container HTTP port").isEqualTo(RepoFiles.CONTAINER_HTTP_PORT);
                assertThat(RepoFiles.effectiveHttpPort(root, svc, Map.of(), dockerfile)).as(where + "the image's port")
                        .isEqualTo(port);
                JsonNode http = null;
                for (JsonNode p : c.path("ports")) {
                    if ("http".equals(p.path("name").asText())) {
                        http = p;
                    }
                }
                assertThat(http).as(where + "port named http").isNotNull();
                assertThat(http.path("containerPort").asInt()).as(where + "Quarkus HTTP port").isEqualTo(port);
                assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
                assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
                assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isIn("http", Integer.toString(port));
                assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isIn("http", Integer.toString(port));
                assertThat(envValue(c, "QUARKUS_HTTP_HOST")).isEqualTo("0.0.0.0");
                assertThat(envValue(c, "KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");
                assertThat(envValue(c, "KAFKA_SASL_MECHANISM")).isEqualTo("SCRAM-SHA-512");
                assertThat(envValue(c, "KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(KAFKA_CLUSTER + "-kafka-bootstrap:9093");
                assertThat(env(c, "KAFKA_SASL_JAAS_CONFIG").path("valueFrom").path("secretKeyRef").path("name").asText())
                        .as(where + "SCRAM credentials of its own KafkaUser").isEqualTo(KAFKA_USER.get(svc));
                assertThat(w.path("spec").path("template").path("metadata").path("labels").path("filterwatch.io/kafka-client").asText())
                        .as(where + "allowed through Kafka's NetworkPolicy").isEqualTo("true");
                String gpus = c.path("resources").path("limits").path("nvidia.com/gpu").asText("");
                if (svc.equals("trainer-service") && gpu) {
                    assertThat(gpus).as(where + "nvidia.com/gpu limit").isNotBlank();
                    assertThat(Integer.parseInt(gpus)).isPositive();
                    assertThat(envValue(c, "FILTERWATCH_TRAINER_DEVICES")).isEqualTo("gpu");
                    String engine = pytorch ? "pytorch" : "mxnet";
                    assertThat(envValue(c, "FILTERWATCH_TRAINER_ENGINE")).as(where + "engine").isEqualTo(engine);
                    assertGpuProductsFitTheEngine(where, pod, engine);
                } else {
                    assertThat(gpus).as(where + "no GPU").isBlank();
                }
            }
            JsonNode trainer = containerNamed(objs.workload("trainer-service").path("spec").path("template").path("spec"), "trainer-service");
            assertThat(envValue(trainer, "FILTERWATCH_TRAINER_MODE")).isEqualTo("job");
            assertThat(envValue(trainer, "MXNET_ENGINE_TYPE")).isEqualTo("NaiveEngine");
            assertThat(envValue(trainer, "JAVA_OPTS_APPEND")).contains("-Dai.djl.offline=true");
            assertThat(env(trainer, "OMP_NUM_THREADS").path("valueFrom").path("resourceFieldRef").path("resource").asText())
                    .as("OMP_NUM_THREADS = the pod's CPUs").isEqualTo("limits.cpu");
            JsonNode agg = containerNamed(objs.workload("aggregator-service").path("spec").path("template").path("spec"), "aggregator-service");
            assertThat(envValue(agg, "INFLUXDB_URL")).isEqualTo("http://influxdb:8086");
            assertThat(envValue(agg, "INFLUXDB_DATABASE")).isEqualTo(InfluxSchema.DEFAULT_DATABASE);
            assertThat(env(agg, "INFLUXDB_USERNAME").path("valueFrom").has("secretKeyRef")).isTrue();
            assertThat(env(agg, "INFLUXDB_PASSWORD").path("valueFrom").has("secretKeyRef")).isTrue();
        }
    }

    @Test
    void grafanaMountsItsGeneratedProvisioningAndGetsEveryVariable() {
        Set<String> needed = RepoFiles.grafanaEnv(root);
        for (var e : stacks.entrySet()) {
            Objects objs = new Objects(e.getValue());
            JsonNode w = objs.workload("grafana");
            JsonNode pod = w.path("spec").path("template").path("spec");
            JsonNode c = containerNamed(pod, "grafana");
            Set<String> env = new HashSet<>();
            c.path("env").forEach(x -> env.add(x.path("name").asText()));
            assertThat(env).as(e.getKey() + " grafana env").containsAll(needed).contains("GF_SECURITY_ADMIN_PASSWORD");
            assertThat(env(c, "GF_SECURITY_ADMIN_PASSWORD").path("valueFrom").has("secretKeyRef")).isTrue();
            Map<String, String> mountToConfigMap = new HashMap<>();
            Map<String, String> volumeToConfigMap = new HashMap<>();
            pod.path("volumes").forEach(v -> volumeToConfigMap.put(v.path("name").asText(), v.path("configMap").path("name").asText(null)));
            c.path("volumeMounts").forEach(m -> mountToConfigMap.put(m.path("mountPath").asText(), volumeToConfigMap.get(m.path("name").asText())));
            Map<String, String> expected = Map.of(
                    RepoFiles.PROVISIONING_PATH + "/datasources", "grafana/provisioning/datasources",
                    RepoFiles.PROVISIONING_PATH + "/dashboards", "grafana/provisioning/dashboards",
                    RepoFiles.PROVISIONING_PATH + "/alerting", "grafana/provisioning/alerting",
                    RepoFiles.DASHBOARDS_PATH, "grafana/dashboards");
            for (var x : expected.entrySet()) {
                String cm = mountToConfigMap.get(x.getKey());
                assertThat(cm).as(e.getKey() + " ConfigMap mounted at " + x.getKey()).isNotNull();
                JsonNode configMap = objs.named("ConfigMap", cm);
                Set<String> keys = new TreeSet<>();
                configMap.path("data").fieldNames().forEachRemaining(keys::add);
                Set<String> files = new TreeSet<>();
                for (Path f : DashboardQueries.files(root.resolve(x.getValue()), ".yaml", ".yml", ".json")) {
                    files.add(f.getFileName().toString());
                    assertThat(configMap.path("data").path(f.getFileName().toString()).asText())
                            .as(cm + " holds " + f).isEqualTo(RepoFiles.read(f));
                }
                assertThat(keys).as(e.getKey() + " " + cm).isEqualTo(files);
            }
        }
    }

    @Test
    void podsRunAsNonRootWithResourcesAndProbes() {
        List<String> problems = new ArrayList<>();
        for (var e : rendered.entrySet()) {
            for (JsonNode w : new Objects(e.getValue()).workloads()) {
                String id = e.getKey() + ": " + w.path("kind").asText() + "/" + name(w);
                JsonNode pod = w.path("spec").path("template").path("spec");
                JsonNode psc = pod.path("securityContext");
                if (!psc.path("runAsNonRoot").asBoolean()) {
                    problems.add(id + ": runAsNonRoot");
                }
                if (psc.path("runAsUser").asInt(-1) == 0) {
                    problems.add(id + ": runs as root");
                }
                if (!"RuntimeDefault".equals(psc.path("seccompProfile").path("type").asText())) {
                    problems.add(id + ": seccompProfile RuntimeDefault");
                }
                if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                    problems.add(id + ": automountServiceAccountToken should be false");
                }
                for (JsonNode c : containers(pod)) {
                    String cid = id + " container " + c.path("name").asText();
                    JsonNode sc = c.path("securityContext");
                    if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                        problems.add(cid + ": allowPrivilegeEscalation");
                    }
                    if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                        problems.add(cid + ": readOnlyRootFilesystem");
                    }
                    if (!sc.path("capabilities").path("drop").toString().contains("ALL")) {
                        problems.add(cid + ": capabilities.drop ALL");
                    }
                    for (String kind : List.of("requests", "limits")) {
                        for (String r : List.of("cpu", "memory")) {
                            if (c.path("resources").path(kind).path(r).asText("").isBlank()) {
                                problems.add(cid + ": resources." + kind + "." + r);
                            }
                        }
                    }
                    if (!c.path("readinessProbe").has("httpGet") || !c.path("livenessProbe").has("httpGet")) {
                        problems.add(cid + ": readiness and liveness probes");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void networkPoliciesSelectExistingPodsAndEveryComponentHasOne() {
        for (var e : combined.entrySet()) {
            Objects objs = new Objects(e.getValue());
            Set<String> covered = new HashSet<>();
            boolean defaultDeny = false;
            for (JsonNode np : objs.ofKind("NetworkPolicy")) {
                JsonNode sel = np.path("spec").path("podSelector");
                if (sel.path("matchLabels").isEmpty() && sel.path("matchExpressions").isEmpty()) {
                    defaultDeny |= np.path("spec").path("ingress").isMissingNode() && np.path("spec").path("policyTypes").toString().contains("Ingress");
                    continue;
                }
                List<JsonNode> pods = objs.selectedBy(sel.path("matchLabels"));
                assertThat(pods).as(e.getKey() + " NetworkPolicy/" + name(np) + " selects a pod template").isNotEmpty();
                pods.forEach(p -> covered.add(p.path("metadata").path("labels").path("app.kubernetes.io/name").asText()));
                assertThat(np.path("spec").path("policyTypes").toString()).contains("Ingress", "Egress");
                for (String dir : List.of("ingress", "egress")) {
                    for (JsonNode rule : np.path("spec").path(dir)) {
                        for (JsonNode peer : rule.path(dir.equals("ingress") ? "from" : "to")) {
                            JsonNode ps = peer.path("podSelector").path("matchLabels");
                            if (!ps.isMissingNode() && !ps.isEmpty() && !peer.has("namespaceSelector")
                                    && !ps.has("strimzi.io/cluster")) {
                                assertThat(objs.selectedBy(ps)).as(e.getKey() + " NetworkPolicy/" + name(np) + " peer " + ps).isNotEmpty();
                            }
                        }
                    }
                }
            }
            assertThat(defaultDeny).as(e.getKey() + " default-deny ingress").isTrue();
            assertThat(covered).as(e.getKey() + " components with their own NetworkPolicy")
                    .containsAll(List.of("trainer-service", "probe-service", "aggregator-service", "influxdb", "grafana"));
        }
    }

    @Test
    void theStackNeverStartsATrainingRunAndEachRunIsOneJobOfItsOwn() {
        for (var e : stacks.entrySet()) {
            assertThat(e.getValue().stream().map(o -> o.path("kind").asText()))
                    .as(e.getKey() + ": `kubectl apply -k` of the stack must not train (nor hold an immutable Job)")
                    .doesNotContain("Job", "CronJob", "Pod");
        }
        Set<String> names = new HashSet<>();
        for (var e : runs.entrySet()) {
            assertThat(e.getValue()).as(e.getKey() + ": one object").hasSize(1);
            JsonNode job = e.getValue().get(0);
            assertThat(job.path("kind").asText()).as(e.getKey()).isEqualTo("Job");
            assertThat(name(job)).as(e.getKey() + " Job name").startsWith("trainer-run");
            assertThat(names.add(name(job))).as(e.getKey() + ": a Job name of its own " + name(job)).isTrue();
            assertThat(job.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).isEqualTo("trainer-service");
            assertThat(job.path("spec").path("backoffLimit").asInt(-1)).as(e.getKey() + " backoffLimit").isZero();
            assertThat(job.path("spec").path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Never");
        }
        JsonNode example = runs.get("k8s/runs/example").get(0);
        JsonNode c = containerNamed(example.path("spec").path("template").path("spec"), "trainer-service");
        assertThat(envValue(c, "FILTERWATCH_RUN_RUN_ID")).as("the example names its run").isNotBlank();
    }

    @Test
    void imagesAreReleaseTagsOrDigestsNeverMutableSnapshots() {
        List<String> problems = new ArrayList<>();
        for (var e : rendered.entrySet()) {
            for (JsonNode w : new Objects(e.getValue()).workloads()) {
                for (JsonNode c : containers(w.path("spec").path("template").path("spec"))) {
                    String image = c.path("image").asText();
                    String id = e.getKey() + ": " + w.path("kind").asText() + "/" + name(w) + " " + image;
                    boolean digest = image.contains("@sha256:");
                    String afterSlash = image.substring(image.lastIndexOf('/') + 1);
                    String tag = afterSlash.contains(":") ? afterSlash.substring(afterSlash.indexOf(':') + 1).replaceAll("@.*", "") : "";
                    if (!digest && (tag.isEmpty() || tag.equals("latest"))) {
                        problems.add(id + ": no tag or 'latest'");
                    }
                    if (tag.contains("SNAPSHOT")) {
                        problems.add(id + ": a mutable -SNAPSHOT tag");
                    }
                    String policy = c.path("imagePullPolicy").asText("IfNotPresent");
                    if (!digest && policy.equals("IfNotPresent") && !tag.matches("\\d+\\.\\d+\\.\\d+([-.][A-Za-z0-9.-]+)?")) {
                        problems.add(id + ": IfNotPresent needs a release tag (x.y.z) or a digest");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(releaseVersion(root)).doesNotContain("SNAPSHOT");
    }

    @Test
    void strimziObjectsParseAsStrimzi12ModelsWithoutUnknownFields() throws Exception {
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        for (var e : stacks.entrySet()) {
            for (JsonNode o : e.getValue()) {
                if (o.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                    objects.put(e.getKey() + ": " + o.path("kind").asText() + "/" + name(o), o);
                }
            }
        }
        assertThat(objects.keySet().stream().map(k -> k.replaceAll("^.*: ([A-Za-z]+)/.*$", "$1")))
                .contains("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser");
        Map<String, String> results = strimziModelCheck(objects);
        assertThat(results).as("Strimzi model check").hasSize(objects.size());
        assertThat(results.entrySet().stream().filter(r -> !r.getValue().equals("OK")).map(r -> r.getKey() + ": " + r.getValue()))
                .isEmpty();
    }

    @Test
    void theStrimziModelCheckRejectsMisspeltAndOutdatedFields() throws Exception {
        JsonNode kafka = new Objects(stacks.get("k8s/base")).named("Kafka", KAFKA_CLUSTER).deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode misspelt = kafka.deepCopy();
        JsonNode listeners = ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.path("spec").path("kafka")).remove("listeners");
        ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.path("spec").path("kafka")).set("listners", listeners);
        com.fasterxml.jackson.databind.node.ObjectNode nested = kafka.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) nested.path("spec").path("kafka").path("listeners").get(0)).put("tlss", true);
        com.fasterxml.jackson.databind.node.ObjectNode v1beta2 = kafka.deepCopy();
        v1beta2.put("apiVersion", "kafka.strimzi.io/v1beta2");
        Map<String, String> results = strimziModelCheck(Map.of("misspelt", misspelt, "nested", nested, "v1beta2", v1beta2, "good", kafka));
        assertThat(results.get("good")).isEqualTo("OK");
        assertThat(results.get("misspelt")).contains("listners");
        assertThat(results.get("nested")).contains("tlss");
        assertThat(results.get("v1beta2")).contains("v1beta2");
    }

    @Test
    void kedaObjectsMatchKedasPublishedCrds() {
        Map<String, CrdSchema> crds = kedaCrds();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (var e : stacks.entrySet()) {
            for (JsonNode o : e.getValue()) {
                if (o.path("apiVersion").asText().startsWith("keda.sh/")) {
                    CrdSchema crd = crds.get(o.path("kind").asText());
                    String id = e.getKey() + ": " + o.path("kind").asText() + "/" + name(o);
                    if (crd == null) {
                        problems.add(id + ": no KEDA " + KEDA_VERSION + " CRD for this kind");
                        continue;
                    }
                    crd.validate(o).forEach(p -> problems.add(id + " (KEDA " + KEDA_VERSION + "): " + p));
                    checked++;
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("ScaledObject and TriggerAuthentication per stack").isEqualTo(2 * stacks.size());
    }

    @Test
    void theKedaCrdCheckRejectsMisspeltFieldsAndWrongTypes() {
        Map<String, CrdSchema> crds = kedaCrds();
        JsonNode so = new Objects(stacks.get("k8s/base")).named("ScaledObject", "probe-service");
        assertThat(crds.get("ScaledObject").validate(so)).isEmpty();
        com.fasterxml.jackson.databind.node.ObjectNode misspelt = so.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.path("spec")).put("maxReplicasCount", 12);
        assertThat(crds.get("ScaledObject").validate(misspelt)).anyMatch(p -> p.contains("$.spec.maxReplicasCount: unknown field"));
        com.fasterxml.jackson.databind.node.ObjectNode numeric = so.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) numeric.path("spec").path("triggers").get(0).path("metadata")).put("lagThreshold", 100);
        assertThat(crds.get("ScaledObject").validate(numeric)).anyMatch(p -> p.contains("lagThreshold: expected a string"));
        JsonNode ta = new Objects(stacks.get("k8s/base")).named("TriggerAuthentication", "probe-kafka");
        com.fasterxml.jackson.databind.node.ObjectNode nested = ta.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) nested.path("spec").path("secretTargetRef").get(0)).put("keyy", "x");
        assertThat(crds.get("TriggerAuthentication").validate(nested)).anyMatch(p -> p.contains("keyy: unknown field"));
    }

    @Test
    void theFabric8CheckRejectsMisspeltFields() throws Exception {
        JsonNode deployment = new Objects(stacks.get("k8s/base")).workload("probe-service");
        List<String> none = new ArrayList<>();
        unknownFields(typedMapper.treeToValue(deployment, Deployment.class), "Deployment", none, 0);
        assertThat(none).isEmpty();
        com.fasterxml.jackson.databind.node.ObjectNode misspelt = deployment.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) misspelt.path("spec").path("template").path("spec").path("containers").get(0))
                .put("imagePullPolicyy", "Always");
        List<String> unknown = new ArrayList<>();
        unknownFields(typedMapper.treeToValue(misspelt, Deployment.class), "Deployment", unknown, 0);
        assertThat(unknown).anyMatch(u -> u.contains("imagePullPolicyy"));
    }

    @Test
    void kafkaTopicsFollowTheOneTopicListAndKafkaIsAVersionStrimziSupports() {
        Map<String, KafkaTopicList.Topic> list = KafkaTopicList.byName(root);
        for (var e : stacks.entrySet()) {
            Objects objs = new Objects(e.getValue());
            Set<String> names = new TreeSet<>();
            for (JsonNode t : objs.ofKind("KafkaTopic")) {
                String topic = t.path("spec").path("topicName").asText(name(t));
                names.add(topic);
                KafkaTopicList.Topic want = list.get(topic);
                assertThat(want).as(e.getKey() + ": " + topic + " is in " + KafkaTopicList.FILE).isNotNull();
                assertThat(t.path("spec").path("partitions").asInt()).as(e.getKey() + ": " + topic + " partitions").isEqualTo(want.partitions());
                Map<String, String> config = new TreeMap<>();
                t.path("spec").path("config").fields().forEachRemaining(c -> config.put(c.getKey(), c.getValue().asText()));
                assertThat(config).as(e.getKey() + ": " + topic + " config").isEqualTo(new TreeMap<>(want.config()));
            }
            assertThat(names).as(e.getKey() + " topics").isEqualTo(new TreeSet<>(list.keySet()));
            JsonNode kafka = objs.named("Kafka", KAFKA_CLUSTER);
            assertThat(kafka.path("spec").path("kafka").path("version").asText()).as(e.getKey() + " Kafka version")
                    .isIn(STRIMZI_KAFKA_VERSIONS).isEqualTo(KafkaVersions.cluster(root));
            assertThat(kafka.path("metadata").path("annotations").toString()).as(e.getKey() + " no KRaft/node-pool enabling annotations")
                    .doesNotContain("strimzi.io/kraft", "strimzi.io/node-pools");
        }
    }

    @Test
    void documentedSecretsAreTheOnesReferenced() {
        Map<String, Set<String>> documented = documentedSecrets();
        assertThat(documented).as("docs/operations.md: kubectl create secret generic ...")
                .containsKeys("influxdb-admin", "influxdb-aggregator", "influxdb-grafana", "grafana-admin", "filterwatch-alert-receiver");
    }

    // ---------------- helpers ----------------

    /** The release the manifests deploy: the project version without -SNAPSHOT. */
    static String releaseVersion(Path root) {
        return RepoFiles.projectVersion(root).replaceFirst("-SNAPSHOT$", "");
    }

    Map<String, CrdSchema> kedaCrds() {
        Path dir = root.resolve("deploy-tests/src/test/resources/crds/keda");
        Map<String, CrdSchema> out = new HashMap<>();
        for (String f : List.of("keda.sh_scaledobjects.yaml", "keda.sh_triggerauthentications.yaml")) {
            String header = RepoFiles.read(dir.resolve(f)).lines().findFirst().orElse("");
            assertThat(header).as(f + " names the KEDA release it came from").contains("KEDA v" + KEDA_VERSION);
            CrdSchema crd = CrdSchema.load(dir.resolve(f), "v1alpha1");
            out.put(crd.kind, crd);
        }
        return out;
    }

    /**
     * Runs {@link StrimziModelCheck} in a Java 21+ JVM (Strimzi's api jar is Java 21 bytecode) on
     * these objects: id -> "OK" or the problems. Without a Java 21+ runtime the check is skipped
     * with a notice, except under CI=true, where it fails.
     */
    Map<String, String> strimziModelCheck(Map<String, JsonNode> objects) throws Exception {
        Optional<Path> java = Jdk21.java();
        if (java.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(Jdk21.HINT);
        }
        Prerequisites.require(java.isPresent(), Jdk21.HINT);
        com.fasterxml.jackson.databind.node.ArrayNode items = RepoFiles.JSON.createArrayNode();
        objects.forEach((id, o) -> items.addObject().put("id", id).set("object", o));
        Path in = Files.createTempFile("strimzi-objects-", ".json");
        try {
            Files.writeString(in, items.toString());
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Tools.Result r = Tools.run(root, Map.of(), 180,
                    List.of(java.get().toString(), "-cp", cp, StrimziModelCheck.class.getName(), in.toString()));
            assertThat(r.exitCode()).as(java.get() + " StrimziModelCheck:\n" + r.stderr() + r.stdout()).isZero();
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : r.stdout().split("\n")) {
                if (line.startsWith("OK ")) {
                    out.put(line.substring(3), "OK");
                } else if (line.startsWith("PROBLEM ")) {
                    String id = objects.keySet().stream().filter(k -> line.startsWith("PROBLEM " + k + ": ")).findFirst()
                            .orElseThrow(() -> new AssertionError("unexpected output: " + line));
                    out.put(id, line.substring(("PROBLEM " + id + ": ").length()));
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** Pre-created Secrets as docs/operations.md creates them: name -> keys. */
    Map<String, Set<String>> documentedSecrets() {
        String doc = RepoFiles.read(root.resolve("docs/operations.md")).replaceAll("\\\\\\r?\\n", " ");
        Map<String, Set<String>> out = new HashMap<>();
        Matcher m = Pattern.compile("create secret generic ([a-z0-9-]+)([^\\n]*)").matcher(doc);
        while (m.find()) {
            Set<String> keys = out.computeIfAbsent(m.group(1), k -> new HashSet<>());
            Matcher k = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9._-]+)=").matcher(m.group(2));
            while (k.find()) {
                keys.add(k.group(1));
            }
        }
        return out;
    }

    static void ref(List<String> problems, String id, String kind, Map<String, Set<String>> existing, String name, Set<String> keys) {
        if (!existing.containsKey(name)) {
            problems.add(id + ": " + kind + " " + name + " neither rendered, nor created by Strimzi, nor documented in docs/operations.md");
            return;
        }
        for (String key : keys) {
            if (!existing.get(name).contains(key)) {
                problems.add(id + ": " + kind + " " + name + " has no key " + key);
            }
        }
    }

    static Set<String> items(JsonNode volumeSource) {
        Set<String> keys = new HashSet<>();
        volumeSource.path("items").forEach(i -> keys.add(i.path("key").asText()));
        return keys;
    }

    static final Pattern HOST_PORT = Pattern.compile("^(?:[a-z]+://)?([a-z0-9-]+)((?:\\.[a-z0-9-]+)*):(\\d+)(?:/.*)?$");

    /** A value naming host:port inside the cluster must name a rendered Service (or Strimzi's bootstrap) and one of its ports. */
    static void serviceRef(List<String> problems, String id, Objects objs, String value) {
        for (String part : value.split(",")) {
            Matcher m = HOST_PORT.matcher(part.strip());
            if (!m.matches()) {
                continue;
            }
            String host = m.group(1);
            String domain = m.group(2);
            int port = Integer.parseInt(m.group(3));
            if (!domain.isEmpty() && !domain.startsWith("." + NAMESPACE) ) {
                continue; // outside the namespace: not ours to check
            }
            if (host.equals(KAFKA_CLUSTER + "-kafka-bootstrap")) {
                Set<Integer> ports = new HashSet<>();
                objs.named("Kafka", KAFKA_CLUSTER).path("spec").path("kafka").path("listeners").forEach(l -> ports.add(l.path("port").asInt()));
                if (!ports.contains(port)) {
                    problems.add(id + ": " + value + " is no Kafka listener port " + ports);
                }
                continue;
            }
            JsonNode svc = objs.named("Service", host);
            if (svc == null) {
                problems.add(id + ": " + value + " names no Service");
                continue;
            }
            boolean found = false;
            for (JsonNode p : svc.path("spec").path("ports")) {
                found |= p.path("port").asInt() == port;
            }
            if (!found) {
                problems.add(id + ": " + value + " is no port of Service " + host);
            }
        }
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static List<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> out = new ArrayList<>();
        podSpec.path("initContainers").forEach(out::add);
        podSpec.path("containers").forEach(out::add);
        return out;
    }

    static JsonNode containerNamed(JsonNode podSpec, String name) {
        for (JsonNode c : containers(podSpec)) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    /**
     * Compute capability by GPU feature discovery's nvidia.com/gpu.product value, for the products
     * the GPU runs may select (docs/operations.md, "GPUs and engines").
     */
    static final Map<String, Double> GPU_PRODUCTS = Map.ofEntries(
            Map.entry("Tesla-V100-SXM2-16GB", 7.0), Map.entry("Tesla-V100-SXM2-32GB", 7.0),
            Map.entry("Tesla-V100-PCIE-16GB", 7.0), Map.entry("Tesla-V100-PCIE-32GB", 7.0),
            Map.entry("Tesla-T4", 7.5),
            Map.entry("NVIDIA-A100-SXM4-40GB", 8.0), Map.entry("NVIDIA-A100-SXM4-80GB", 8.0),
            Map.entry("NVIDIA-A100-PCIE-40GB", 8.0), Map.entry("NVIDIA-A100-80GB-PCIe", 8.0),
            Map.entry("NVIDIA-A10", 8.6), Map.entry("NVIDIA-A10G", 8.6),
            Map.entry("NVIDIA-L4", 8.9), Map.entry("NVIDIA-L40S", 8.9),
            Map.entry("NVIDIA-H100-PCIe", 9.0), Map.entry("NVIDIA-H100-80GB-HBM3", 9.0),
            Map.entry("NVIDIA-H100-NVL", 9.0), Map.entry("NVIDIA-H200", 9.0), Map.entry("NVIDIA-H200-NVL", 9.0),
            Map.entry("NVIDIA-B200", 10.0));

    /**
     * The GPU Job may only land on nodes whose GPU its engine's build can drive (the trainer's
     * guard would refuse any other and fail the Job): MXNet 1.9.1 up to 8.0, PyTorch 2.7.1 cu128
     * from 7.5. Hopper and Blackwell must be reachable by one of the two runs.
     */
    static void assertGpuProductsFitTheEngine(String where, JsonNode pod, String engine) {
        JsonNode terms = pod.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        assertThat(terms.size()).as(where + "one node selector term").isEqualTo(1);
        List<String> products = new ArrayList<>();
        for (JsonNode expr : terms.get(0).path("matchExpressions")) {
            assertThat(expr.path("key").asText()).as(where + "selects on the GPU product").isEqualTo("nvidia.com/gpu.product");
            assertThat(expr.path("operator").asText()).isEqualTo("In");
            expr.path("values").forEach(v -> products.add(v.asText()));
        }
        assertThat(products).as(where + "GPU products").isNotEmpty().doesNotHaveDuplicates();
        for (String product : products) {
            Double cc = GPU_PRODUCTS.get(product);
            assertThat(cc).as(where + product + " is a known product").isNotNull();
            if (engine.equals("mxnet")) {
                assertThat(cc).as(where + product + " for MXNet 1.9.1 (CUDA 11.2)").isLessThanOrEqualTo(8.0);
            } else {
                assertThat(cc).as(where + product + " for PyTorch 2.7.1 (CUDA 12.8)").isGreaterThanOrEqualTo(7.5);
            }
        }
        if (engine.equals("pytorch")) {
            assertThat(products).as(where + "GPUs of today").contains("NVIDIA-H100-80GB-HBM3", "NVIDIA-H200", "NVIDIA-B200");
        } else {
            assertThat(products).as(where + "MXNet's newest").contains("NVIDIA-A100-SXM4-80GB")
                    .doesNotContain("NVIDIA-H100-80GB-HBM3", "NVIDIA-H200", "NVIDIA-B200");
        }
    }

    static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static String envValue(JsonNode container, String name) {
        JsonNode e = env(container, name);
        return e.has("value") ? e.path("value").asText() : null;
    }

    /** Reports fabric8 model objects that kept fields their type does not know (typos, wrong nesting). */
    static void unknownFields(Object o, String path, List<String> out, int depth) throws Exception {
        if (o == null || depth > 40) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                unknownFields(x, path + "[" + i++ + "]", out, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, depth + 1);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + " " + extra.keySet());
                }
            } else {
                String prop = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                unknownFields(v, path + "." + prop, out, depth + 1);
            }
        }
    }

    /** The rendered objects of one overlay. */
    static final class Objects {
        final List<JsonNode> all;

        Objects(List<JsonNode> all) {
            this.all = all;
        }

        List<JsonNode> ofKind(String kind) {
            return all.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        JsonNode named(String kind, String name) {
            return ofKind(kind).stream().filter(o -> name.equals(KustomizeOverlaysTest.name(o))).findFirst().orElse(null);
        }

        List<JsonNode> workloads() {
            return all.stream().filter(o -> Set.of("Deployment", "StatefulSet", "Job", "DaemonSet").contains(o.path("kind").asText())).toList();
        }

        /** The workload named {@code name}, else the one whose label app.kubernetes.io/name is (a run's Job). */
        JsonNode workload(String name) {
            return workloads().stream().filter(o -> name.equals(KustomizeOverlaysTest.name(o))).findFirst()
                    .orElse(workloads().stream()
                            .filter(o -> name.equals(o.path("metadata").path("labels").path("app.kubernetes.io/name").asText()))
                            .findFirst().orElse(null));
        }

        JsonNode topic(String topicName) {
            return ofKind("KafkaTopic").stream()
                    .filter(t -> topicName.equals(t.path("spec").path("topicName").asText(KustomizeOverlaysTest.name(t))))
                    .findFirst().orElse(null);
        }

        /** Pod templates whose labels match the selector's labels. */
        List<JsonNode> selectedBy(JsonNode matchLabels) {
            List<JsonNode> out = new ArrayList<>();
            if (matchLabels == null || matchLabels.isMissingNode() || matchLabels.isEmpty()) {
                return out;
            }
            for (JsonNode w : workloads()) {
                JsonNode template = w.path("spec").path("template");
                JsonNode labels = template.path("metadata").path("labels");
                boolean all = true;
                var it = matchLabels.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    all &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
                }
                if (all) {
                    out.add(template);
                }
            }
            return out;
        }
    }
}
