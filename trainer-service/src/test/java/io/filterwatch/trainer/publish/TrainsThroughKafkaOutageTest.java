package io.filterwatch.trainer.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunManager;
import io.filterwatch.trainer.train.RunStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No broker at all: the run must train to the end and report what it could not publish. */
@QuarkusTest
@TestProfile(TrainsThroughKafkaOutageTest.NoBroker.class)
class TrainsThroughKafkaOutageTest {

    @Inject
    RunManager runs;

    @Inject
    SnapshotPublisher publisher;

    @Test
    void runFinishesAndCountsDroppedSnapshots() throws Exception {
        long start = System.nanoTime();
        RunConfig config = new RunConfig("outage-run", ModelKind.SMALL_BASIC_NET, List.of(4, 4, 8, 8, 8),
                DatasetKind.SYNTHETIC, null, null, 256, null, OptimizerKind.SGD, 0.05, null, 1e-3, null, null, null,
                null, 16, 1, 40L, 1L, true, 2, 1, 4, null, null, null);
        RunStatus status = runs.runBlocking(config);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(status.state()).isEqualTo(RunStatus.State.FINISHED);
        assertThat(status.step()).isEqualTo(40);
        // 20 snapshot steps x 5 layers offered; the buffer holds 8, Kafka takes none.
        assertThat(publisher.flush(40_000)).isTrue();
        SnapshotPublisher.PublishStats stats = publisher.stats();
        assertThat(stats.offered()).isEqualTo(100);
        assertThat(stats.published()).isZero();
        assertThat(stats.dropped()).isEqualTo(100);
        assertThat(status.snapshotsDropped()).isGreaterThan(0);
        // A dead broker never blocks training: 40 tiny steps stay far below the delivery timeouts.
        assertThat(seconds).isLessThan(60);

        // Readiness reports Kafka down and the drops; the run itself is fine.
        String health = given().when().get("/q/health/ready").then().statusCode(503).extract().asString()
                .replaceAll("\\s", "");
        assertThat(health).contains("snapshotsDropped").contains("\"kafka\":\"DOWN\"")
                .contains("\"state\":\"FINISHED\"");
    }

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Short Kafka timeouts so the undeliverable records fail within the test.
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:" + closedPort(),
                    "filterwatch.trainer.publish-buffer", "8",
                    "filterwatch.trainer.max-in-flight", "4",
                    "kafka.max.block.ms", "500",
                    "kafka.request.timeout.ms", "1000",
                    "kafka.delivery.timeout.ms", "1500");
        }

        private static int closedPort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
