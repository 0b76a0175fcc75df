package io.filterwatch.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Reading the repository's YAML and JSON, and facts shared by the deployment tests. */
final class RepoFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final String DATASOURCE_UID = "filterwatch-influxdb";
    /** Where the dashboard provider reads the dashboards; docker-compose and k8s mount them there. */
    static final String DASHBOARDS_PATH = "/var/lib/grafana/dashboards/filterwatch";
    static final String PROVISIONING_PATH = "/etc/grafana/provisioning";
    static final List<String> SERVICES = List.of("trainer-service", "probe-service", "aggregator-service");
    static final String IMAGE_REPOSITORY_PREFIX = "filterwatch/";

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private RepoFiles() {
    }

    static Path root() {
        return RepoRoot.find();
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static List<JsonNode> yamlDocuments(String text) {
        try (JsonParser parser = YAML.getFactory().createParser(text);
             MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
            List<JsonNode> out = new ArrayList<>();
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Environment variables ($X or ${X}) referenced by Grafana provisioning values (not queries). */
    static Set<String> envReferences(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = ENV_REF.matcher(text);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** The env variables Grafana needs: those in datasources and contact points. */
    static Set<String> grafanaEnv(Path root) {
        Set<String> out = new LinkedHashSet<>();
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/datasources"), ".yaml", ".yml")) {
            out.addAll(envReferences(stripComments(read(f))));
        }
        for (Path f : DashboardQueries.files(root.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            JsonNode doc = yaml(f);
            for (JsonNode cp : doc.path("contactPoints")) {
                out.addAll(envReferences(cp.toString()));
            }
        }
        return out;
    }

    static String stripComments(String yaml) {
        StringBuilder b = new StringBuilder();
        for (String line : yaml.split("\n")) {
            if (!line.stripLeading().startsWith("#")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** The port every service listens on inside a container (QUARKUS_HTTP_PORT of the images). */
    static final int CONTAINER_HTTP_PORT = 8080;

    /**
     * The HTTP port a service's container listens on: QUARKUS_HTTP_PORT from the container's
     * environment, else from its Dockerfile, else quarkus.http.port of application.properties, else 8080.
     */
    static int effectiveHttpPort(Path root, String service, Map<String, String> containerEnv, String dockerfile) {
        String env = containerEnv.get("QUARKUS_HTTP_PORT");
        if (env != null && !env.isBlank()) {
            return Integer.parseInt(env.strip());
        }
        Path f = root.resolve(service).resolve("src/main/docker").resolve(dockerfile);
        if (Files.isRegularFile(f)) {
            Matcher m = Pattern.compile("QUARKUS_HTTP_PORT=(\\d+)").matcher(read(f));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return quarkusHttpPort(root, service);
    }

    /** Quarkus HTTP port of a service outside containers: quarkus.http.port in application.properties, else 8080. */
    static int quarkusHttpPort(Path root, String service) {
        Path props = root.resolve(service).resolve("src/main/resources/application.properties");
        if (Files.isRegularFile(props)) {
            for (String line : read(props).split("\n")) {
                String l = line.strip();
                if (l.startsWith("quarkus.http.port=")) {
                    return Integer.parseInt(l.substring("quarkus.http.port=".length()).strip());
                }
            }
        }
        return 8080;
    }

    /** The project version (root pom), the tag of the service images. */
    static String projectVersion(Path root) {
        Matcher m = Pattern.compile("<artifactId>filterwatch-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(read(root.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("no version in the root pom.xml");
        }
        return m.group(1).strip();
    }

    /** The artifactId of a module's pom. */
    static String artifactId(Path root, String module) {
        String pom = read(root.resolve(module).resolve("pom.xml"));
        String withoutParent = pom.replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(withoutParent);
        if (!m.find()) {
            throw new IllegalStateException("no artifactId in " + module + "/pom.xml");
        }
        return m.group(1).strip();
    }
}
