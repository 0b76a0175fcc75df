package io.filterwatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.filterwatch.console.InfluxQueries;
import io.filterwatch.protocol.Topics;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.testing.EmbeddedKafka;
import io.filterwatch.testing.LocalInfluxDb;

/**
 * What every end-to-end test stands on, as users deploy it: a real Kafka broker (one partition per
 * topic) and a real influxd on loopback, the packaged probe and aggregator as child processes bound
 * to 127.0.0.1, and trainers started the same way. Closing stops everything it started, newest
 * first.
 */
final class PipelineStack implements AutoCloseable {
    final Path root = Path.of(System.getProperty("filterwatch.repo.root", "..")).toAbsolutePath().normalize();
    final Path out;
    final EmbeddedKafka kafka;
    final LocalInfluxDb influxd;
    final InfluxQueries influx;
    final List<ServiceProcess> services = new ArrayList<>();
    final String probeUrl;
    final String api;

    /**
     * @param outDir      where logs and files of this test go
     * @param groupPrefix consumer groups {@code <prefix>-probe}, {@code <prefix>-aggregator}
     * @param probeArgs   extra JVM arguments of the probe ({@code -Dprobe...})
     */
    PipelineStack(Path outDir, String groupPrefix, List<String> probeArgs) throws Exception {
        out = outDir.toAbsolutePath();
        Files.createDirectories(out);
        kafka = EmbeddedKafka.start(1);
        for (String t : List.of(Topics.SNAPSHOTS, Topics.SNAPSHOTS_DLQ, Topics.FILTER_STATS, Topics.LAYER_STATS,
                Topics.ALERTS, Topics.RUNS)) {
            kafka.createTopic(t, 1);
        }
        influxd = LocalInfluxDb.start();
        influxd.createDatabase(InfluxSchema.DEFAULT_DATABASE);
        influx = new InfluxQueries(influxd.url(), InfluxSchema.DEFAULT_DATABASE, null, null);
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap(), "INFLUXDB_URL", influxd.url());
        int probePort = PipelineE2EIT.freePort();
        int aggPort = PipelineE2EIT.freePort();
        probeUrl = "http://127.0.0.1:" + probePort;
        api = "http://127.0.0.1:" + aggPort;
        List<String> probeJvm = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + probePort,
                "-Dkafka.bootstrap.servers=" + bootstrap(), "-Dprobe.group-id=" + groupPrefix + "-probe"));
        probeJvm.addAll(probeArgs);
        ServiceProcess probe = ServiceProcess.start("probe-service", jar("probe-service"), probeJvm, env,
                out.resolve("probe.log"));
        services.add(probe);
        ServiceProcess aggregator = ServiceProcess.start("aggregator-service", jar("aggregator-service"),
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + aggPort, "-Dkafka.bootstrap.servers=" + bootstrap(),
                        "-Dinfluxdb.url=" + influxd.url(), "-Dinfluxdb.database=" + InfluxSchema.DEFAULT_DATABASE,
                        "-Daggregator.group-id=" + groupPrefix + "-aggregator"), env, out.resolve("aggregator.log"));
        services.add(aggregator);
        probe.awaitHttp(probeUrl + "/q/health/ready", Duration.ofMinutes(3));
        aggregator.awaitHttp(api + "/q/health/ready", Duration.ofMinutes(3));
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** The packaged trainer in job mode, MXNet's NaiveEngine; {@code args} are its -D settings. */
    ServiceProcess trainer(String name, List<String> args, String ompThreads) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Dkafka.bootstrap.servers=" + bootstrap(), "-Dfilterwatch.trainer.mode=job"));
        jvm.addAll(args);
        ServiceProcess p = ServiceProcess.start("trainer " + name, jar("trainer-service"), jvm,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap(), "MXNET_ENGINE_TYPE", "NaiveEngine",
                        "OMP_NUM_THREADS", ompThreads), out.resolve("trainer-" + name + ".log"));
        services.add(p);
        return p;
    }

    private Path jar(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        influx.close();
        influxd.close();
        kafka.close();
    }
}
