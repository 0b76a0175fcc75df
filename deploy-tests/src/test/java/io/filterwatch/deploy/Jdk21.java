package io.filterwatch.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Java 21+ runtime for checks whose libraries need it (Strimzi's api jar is Java 21 bytecode;
 * the project builds and tests on Java 17). Looked up in this order: the system property or
 * environment variable FW_JAVA21_HOME, the running JVM, then every JDK under /usr/lib/jvm (the
 * project's machines have Temurin's there besides Debian's OpenJDK 17).
 */
final class Jdk21 {
    static final int MIN = 21;
    static final String HINT = "no Java " + MIN + "+ runtime found (FW_JAVA21_HOME, the running JVM, /usr/lib/jvm/*): "
            + "install one (e.g. a Temurin 21 or 25 JDK under /usr/lib/jvm) or set FW_JAVA21_HOME";

    private Jdk21() {
    }

    static Optional<Path> java() {
        List<Path> homes = new ArrayList<>();
        String configured = System.getProperty("FW_JAVA21_HOME", System.getenv("FW_JAVA21_HOME"));
        if (configured != null && !configured.isBlank()) {
            homes.add(Path.of(configured));
        }
        homes.add(Path.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.sorted().forEach(homes::add);
            } catch (IOException e) {
                // none there
            }
        }
        for (Path home : homes) {
            Path java = home.resolve("bin/java");
            if (Files.isExecutable(java) && feature(home) >= MIN) {
                return Optional.of(java);
            }
        }
        return Optional.empty();
    }

    /** The feature version from the JDK's {@code release} file (JAVA_VERSION="25.0.3"), or -1. */
    static int feature(Path home) {
        if (home.equals(Path.of(System.getProperty("java.home")))) {
            return Runtime.version().feature();
        }
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(RepoFiles.read(release));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
