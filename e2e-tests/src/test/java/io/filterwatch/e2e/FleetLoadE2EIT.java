package io.filterwatch.e2e;

import static io.filterwatch.e2e.PipelineE2EIT.log;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.filterwatch.console.InfluxQueries;
import io.filterwatch.load.FleetLoad;
import io.filterwatch.load.FleetReport;
import io.filterwatch.load.FleetSettings;

/**
 * The short load test of issue #15: one minute of two synthetic ResNet-50 runs (53 layers at their real
 * shapes, 2 workers each, N = 128, Adam's second moments; a round every 5 s per run, compressed 6x from
 * 100 steps of 0.3 s, in the middle of a 90-epoch run) through a real broker, a real influxd and the packaged
 * probe and aggregator. Asserts completeness and latency, not speed: every published round's layer_stats
 * points reached InfluxDB (one per layer), no dead letters, both consumer groups at lag 0 at the end, and a
 * generous bound on the p99 snapshot-to-InfluxDB latency (the CI machine is shared and slow).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetLoadE2EIT {
    static final int RUNS = 2;
    static final int WORKERS = 2;
    static final Duration P99_BOUND = Duration.ofSeconds(Long.getLong("fw.e2e.fleet.p99-bound-s", 90));

    PipelineStack stack;

    @Test
    void twoResNet50RunsForAMinuteArriveCompleteAndInTime() throws Exception {
        stack = new PipelineStack(Path.of(System.getProperty("fw.e2e.out", "target/e2e")).resolve("fleet"), "fleet",
                List.of("-Dprobe.expected-workers=" + WORKERS));
        FleetSettings settings = FleetSettings.defaults()
                .withRuns(RUNS, WORKERS)
                .withPace(6, Duration.ofSeconds(Long.getLong("fw.e2e.fleet.seconds", 60)), 0)
                .withHistory(450_450, 150_000)
                .withServices("ci-fleet", stack.bootstrap(), stack.influxd.url(), "fleet-probe", "fleet-aggregator");
        FleetReport report = new FleetLoad(settings, m -> log("%s", m)).run();
        log("%s", report.generatorLine());
        log("%s", report.summaryLine());

        assertThat(report.roundsPublished()).as("rounds published: 2 runs, a round every 5 s for a minute")
                .isGreaterThanOrEqualTo(2L * 10);
        assertThat(report.records()).isEqualTo(report.roundsPublished() * WORKERS * 53);
        assertThat(report.roundsComplete()).as("rounds whose every layer_stats point reached InfluxDB")
                .isEqualTo(report.roundsPublished());
        for (int r = 0; r < RUNS; r++) {
            List<InfluxQueries.Row> rows = stack.influx.query("SELECT count(dead) FROM layer_stats WHERE run = "
                    + InfluxQueries.literal(settings.runId(r)));
            assertThat(rows.get(0).lng("count")).as("layer_stats points of run %d", r)
                    .isEqualTo(report.roundsPublished() / RUNS * 53);
        }
        assertThat(report.deadLetters()).as("dead letters").isZero();
        assertThat(report.probeLag()).as("the probe's lag at the end").isZero();
        assertThat(report.aggregatorLag()).as("the aggregator's lag at the end").isZero();
        assertThat(report.pointsWritten()).as("points written").isGreaterThan(report.roundsPublished() * 53);
        assertThat(report.p99()).as("p99 snapshot-to-InfluxDB latency, s").isLessThan(P99_BOUND.toSeconds());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
