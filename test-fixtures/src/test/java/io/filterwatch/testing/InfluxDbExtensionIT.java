package io.filterwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The JUnit extension: one server for the class, databases created, the same instance in every test. */
@WithInfluxDb(databases = {"filterwatch", "other"})
class InfluxDbExtensionIT {
    private static LocalInfluxDb seen;

    @Test
    void providesAServerWithTheDatabases(LocalInfluxDb influx) {
        assertThat(influx.url()).startsWith("http://127.0.0.1:");
        assertThat(influx.query("SHOW DATABASES")).contains("\"filterwatch\"").contains("\"other\"");
        remember(influx);
    }

    @Test
    void sameServerForTheWholeClass(LocalInfluxDb influx) {
        remember(influx);
    }

    private static synchronized void remember(LocalInfluxDb influx) {
        if (seen == null) {
            seen = influx;
        }
        assertThat(influx).isSameAs(seen);
        assertThat(influx.pid()).isPositive();
    }

    @AfterAll
    static void serverStillRunsUntilTheExtensionStopsIt() {
        assertThat(seen.isReady()).isTrue();
    }
}
