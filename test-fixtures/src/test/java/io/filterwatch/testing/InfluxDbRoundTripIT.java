package io.filterwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Done-when of issue 2: a point written to a real InfluxDB (an influxd process on loopback) with
 * influxdb-java is read back by an InfluxQL query; plus the outage controls the aggregator relies on.
 */
class InfluxDbRoundTripIT {
    private static LocalInfluxDb influx;

    @BeforeAll
    static void start() {
        influx = LocalInfluxDb.start();
        influx.createDatabase("filterwatch");
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.stop();
        }
    }

    @Test
    void writesAPointAndReadsItBack() {
        assertThat(influx.url()).startsWith("http://127.0.0.1:");
        try (InfluxDB db = InfluxDBFactory.connect(influx.url())) {
            db.setDatabase("filterwatch");
            long t = 1_764_000_000_000L;
            db.write(Point.measurement("filter_stats")
                    .time(t, TimeUnit.MILLISECONDS)
                    .tag("run", "run-it-1")
                    .tag("layer", "conv3")
                    .tag("filter", "17")
                    .addField("max_response", 0.0)
                    .addField("active_fraction", 0.0)
                    .addField("state", "DEAD")
                    .build());

            QueryResult r = db.query(new Query(
                    "SELECT max_response, active_fraction, state FROM filter_stats WHERE run = 'run-it-1' AND filter = '17'",
                    "filterwatch"), TimeUnit.MILLISECONDS);
            assertThat(r.hasError()).as(r.getError()).isFalse();
            QueryResult.Series s = r.getResults().get(0).getSeries().get(0);
            assertThat(s.getName()).isEqualTo("filter_stats");
            assertThat(s.getColumns()).containsExactly("time", "max_response", "active_fraction", "state");
            List<Object> row = s.getValues().get(0);
            assertThat(((Number) row.get(0)).longValue()).isEqualTo(t);
            assertThat(row.get(1)).isEqualTo(0.0);
            assertThat(row.get(3)).isEqualTo("DEAD");
        }
    }

    @Test
    void keepsDataAndPortsAcrossStopServerAndRestartServer() throws Exception {
        influx.createDatabase("outage");
        String url = influx.url();
        long pidBefore = influx.pid();
        try (InfluxDB db = InfluxDBFactory.connect(url)) {
            db.write("outage", "autogen", Point.measurement("x").time(1L, TimeUnit.SECONDS).addField("v", 1L).build());
        }

        influx.stopServer();
        assertThat(influx.pid()).isEqualTo(-1);
        assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Loopback.isListening(influx.httpPort())).isFalse();
        assertThat(influx.isReady()).isFalse();

        influx.restartServer();
        assertThat(influx.url()).isEqualTo(url);
        assertThat(influx.pid()).isNotEqualTo(pidBefore).isPositive();
        assertThat(influx.query("outage", "SELECT v FROM x")).contains("[\"1970-01-01T00:00:01Z\",1]");
    }

    @Test
    void pauseFreezesTheServerAndResumeThawsIt() throws Exception {
        influx.pause();
        try (Socket s = new Socket()) {
            // the port stays bound (the kernel still accepts), but nothing answers
            s.connect(new InetSocketAddress(Loopback.HOST, influx.httpPort()), 1000);
        }
        assertThat(influx.isReady()).isFalse();
        influx.resume();
        assertThat(influx.isReady()).isTrue();
    }

    @Test
    void bindsLoopbackOnlyAndWritesItsOwnConfig() throws Exception {
        String conf = Files.readString(influx.home().resolve("influxdb.conf"));
        assertThat(conf).contains("reporting-disabled = true")
                .contains("bind-address = \"127.0.0.1:" + influx.rpcPort() + "\"")
                .contains("bind-address = \"127.0.0.1:" + influx.httpPort() + "\"")
                .doesNotContain("0.0.0.0");
        for (int p : new int[] {influx.httpPort(), influx.rpcPort()}) {
            assertThat(Listeners.listenAddresses(p)).as("listeners on port " + p).isNotEmpty()
                    .allMatch(Listeners::isLoopback, "127.0.0.1 only");
        }
    }

    @Test
    void stopEndsTheProcessAndDeletesTheFolder() {
        LocalInfluxDb other = LocalInfluxDb.start();
        long pid = other.pid();
        Path home = other.home();
        assertThat(Files.isDirectory(home.resolve("data"))).isTrue();
        other.stop();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(home)).isFalse();
        assertThatThrownBy(other::restartServer).isInstanceOf(IllegalStateException.class);
    }
}
