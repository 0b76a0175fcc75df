package io.filterwatch.trainer;

import io.filterwatch.trainer.config.EngineKind;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;

/**
 * The engines this test JVM trains on: {@code -Dfilterwatch.test.engines=mxnet,pytorch} (all when unset).
 *
 * <p>Why the trainer's tests run in two JVMs (trainer-service/pom.xml): libtorch's CPU kernels must be
 * held to AVX2 on AVX-512 hosts like this one ({@code TorchCpuIsa}), and libtorch and its oneDNN read
 * the cap from the process environment when they load. Set with setenv in a JVM where an earlier test
 * had already loaded them, it came too late and PyTorch cases turned NaN at random steps. So the
 * PyTorch cases run in their own surefire execution whose environment carries the cap from the start,
 * and MXNet's cases stay in a JVM without it (MXNet's bundled oneDNN reads the same variable).
 */
public final class TestEngines {

    public static final String PROPERTY = "filterwatch.test.engines";

    private TestEngines() {
    }

    /** For {@code @MethodSource("io.filterwatch.trainer.TestEngines#enabled")}. */
    public static Stream<EngineKind> enabled() {
        return Stream.of(EngineKind.values()).filter(TestEngines::isEnabled);
    }

    public static boolean isEnabled(EngineKind engine) {
        String value = System.getProperty(PROPERTY, "");
        return value.isBlank() || Arrays.stream(value.split(","))
                .anyMatch(e -> e.trim().equalsIgnoreCase(engine.name().toLowerCase(Locale.ROOT)));
    }

    /** A test class with cases per engine: it runs in both executions, each with its own engines. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Tag("engines")
    public @interface PerEngine {
    }

    /** A test class that trains on PyTorch only: it runs in the PyTorch execution alone. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Tag("pytorch")
    public @interface PyTorchOnly {
    }
}
