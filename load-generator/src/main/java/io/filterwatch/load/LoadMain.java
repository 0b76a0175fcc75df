package io.filterwatch.load;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.filterwatch.protocol.influx.InfluxSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code load-generator}: a fleet of synthetic ResNet-50 runs into a running FilterWatch pipeline, one summary line at the end. */
@Command(name = "load-generator", mixinStandardHelpOptions = true, version = "FilterWatch load generator 0.1.0",
        sortOptions = false,
        description = {"Publishes realistic layer snapshots of R concurrent ResNet-50 ImageNet runs, W data-parallel workers "
                + "each (53 conv layers at their real shapes, 26,560 filters, N sampled responses per filter and worker, "
                + "Adam's second moments), a chosen share of the filters dying over the run, to a running FilterWatch "
                + "pipeline; then waits for the last round in InfluxDB and prints one summary line: runs, workers, "
                + "records/s, MB/s into Kafka, p50/p99 snapshot-to-InfluxDB latency, points written, consumer lag at the end.",
                "Exit code 0 when every round reached InfluxDB, 1 otherwise."})
public final class LoadMain implements Callable<Integer> {

    @Option(names = "--runs", defaultValue = "1", description = "R, concurrent runs (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--workers", defaultValue = "8", description = "W, data-parallel workers per run, each publishing its own snapshots (default ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--snapshot-interval", defaultValue = "100", description = "S, steps per snapshot (default ${DEFAULT-VALUE}).")
    int interval;
    @Option(names = "--step-seconds", defaultValue = "0.3", description = "t, seconds per training step at real pace (default ${DEFAULT-VALUE}).")
    double stepSeconds;
    @Option(names = "--compress", defaultValue = "1", description = "Pace factor: a round every S x t / FACTOR seconds; 1 = real time (default ${DEFAULT-VALUE}).")
    double compress;
    @Option(names = "--duration", description = "How long to publish, e.g. 5m, 90s, 1h (default 5m unless --steps is given).")
    String duration;
    @Option(names = "--steps", defaultValue = "0", description = "Last step of every run (0: as many as --duration allows).")
    long steps;
    @Option(names = "--dying-share", defaultValue = "0.2", description = "Share of the filters that die over the run (default ${DEFAULT-VALUE}, the paper's ResNet-50 with Adam).")
    double dyingShare;
    @Option(names = "--run-length", defaultValue = "0", description = "The simulated run's steps, over which the dying share dies (death steps at 30-90%% of it); 0: the last step published. 450450 = 90 ImageNet epochs.")
    long runLength;
    @Option(names = "--start-step", defaultValue = "0", description = "The first round's step is this + S: start in the middle of a run (default ${DEFAULT-VALUE}).")
    long startStep;
    @Option(names = "--sample-size", defaultValue = "128", description = "N, sampled responses per filter and worker (default ${DEFAULT-VALUE}).")
    int sampleSize;
    @Option(names = "--batch", defaultValue = "32", description = "Per-worker mini-batch (default ${DEFAULT-VALUE}; 8 x 32 = ImageNet's 256).")
    int batch;
    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--run-prefix", defaultValue = "fleet", description = "Run ids are <prefix>-<r> (default ${DEFAULT-VALUE}).")
    String prefix;
    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}", description = "Kafka (default ${DEFAULT-VALUE}).")
    String bootstrap;
    @Option(names = "--compression", defaultValue = "zstd", description = "The producers' compression.type (default ${DEFAULT-VALUE}, the trainer's).")
    String compression;
    @Option(names = "--influx-url", defaultValue = "${env:FW_INFLUX_URL:-http://127.0.0.1:8086}", description = "InfluxDB the aggregator writes to (default ${DEFAULT-VALUE}).")
    String influxUrl;
    @Option(names = "--database", defaultValue = InfluxSchema.DEFAULT_DATABASE, description = "Its database (default ${DEFAULT-VALUE}).")
    String database;
    @Option(names = "--probe-group", defaultValue = "filterwatch-probe", description = "The probe's consumer group, for the lag at the end (default ${DEFAULT-VALUE}).")
    String probeGroup;
    @Option(names = "--aggregator-group", defaultValue = "filterwatch-aggregator", description = "The aggregator's consumer group (default ${DEFAULT-VALUE}).")
    String aggregatorGroup;
    @Option(names = "--drain-timeout", defaultValue = "3m", description = "How long to wait for the last rounds in InfluxDB (default ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Override
    public Integer call() throws Exception {
        Duration d = duration != null ? parse(duration) : steps > 0 ? null : Duration.ofMinutes(5);
        FleetSettings s = new FleetSettings(runs, workers, interval, stepSeconds, compress, d, steps, dyingShare, runLength, startStep,
                sampleSize, batch, seed, prefix, bootstrap, compression, influxUrl, database, probeGroup, aggregatorGroup,
                parse(drainTimeout), Duration.ofMillis(250));
        FleetReport report = new FleetLoad(s, System.out::println).run();
        System.out.println(report.generatorLine());
        System.out.println(report.summaryLine());
        return report.roundsComplete() == report.roundsPublished() ? 0 : 1;
    }

    /** 90s, 5m, 1h, or plain seconds. */
    static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        char unit = t.charAt(t.length() - 1);
        double v = Character.isDigit(unit) ? Double.parseDouble(t) : Double.parseDouble(t.substring(0, t.length() - 1));
        double seconds = switch (unit) {
            case 'h' -> v * 3600;
            case 'm' -> v * 60;
            default -> v;
        };
        return Duration.ofMillis((long) (seconds * 1000));
    }

    public static void main(String... args) {
        CommandLine cl = new CommandLine(new LoadMain());
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        System.exit(cl.execute(args));
    }
}
