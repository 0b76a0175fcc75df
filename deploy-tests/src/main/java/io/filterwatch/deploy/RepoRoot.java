package io.filterwatch.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (the folder holding grafana/, k8s/ and docker-compose.yml). */
public final class RepoRoot {
    /** System property set by deploy-tests' surefire configuration. */
    public static final String PROPERTY = "filterwatch.repo.root";

    private RepoRoot() {
    }

    public static Path find() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (isRoot(p)) {
                return p;
            }
            throw new IllegalStateException("-D" + PROPERTY + "=" + prop + " is not the FilterWatch repository root");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("FilterWatch repository root not found above " + Path.of("").toAbsolutePath()
                + " (looked for grafana/dashboards and pom.xml); set -D" + PROPERTY);
    }

    private static boolean isRoot(Path p) {
        return Files.isDirectory(p.resolve("grafana/dashboards")) && Files.isRegularFile(p.resolve("pom.xml"));
    }
}
