package io.filterwatch.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link EmbeddedKafka} for the test class (before all, stopped after all). Test
 * methods, constructors and lifecycle methods get it as a parameter of type {@link EmbeddedKafka}.
 *
 * <pre>{@code
 * @WithKafka(partitions = 3, topics = {"filterwatch.snapshots"})
 * class MyTest {
 *     @Test void sends(EmbeddedKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {
    /** Partitions of auto-created topics and of {@link #topics()}. */
    int partitions() default 1;

    /** Topics created (and awaited) before the first test. */
    String[] topics() default {};
}
