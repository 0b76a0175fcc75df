package io.filterwatch.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link LocalInfluxDb} (an {@code influxd} process on free loopback ports) for the test
 * class and stops it after all its tests; parameters of type {@link LocalInfluxDb} receive it.
 *
 * <pre>{@code
 * @WithInfluxDb(databases = "filterwatch")
 * class WriterTest {
 *     @Test void writes(LocalInfluxDb influx) { ... influx.url() ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(InfluxDbExtension.class)
public @interface WithInfluxDb {
    /** Databases created before the first test. */
    String[] databases() default {InfluxDbResource.DATABASE};
}
