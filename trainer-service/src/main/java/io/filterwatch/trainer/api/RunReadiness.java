package io.filterwatch.trainer.api;

import io.filterwatch.trainer.publish.KafkaLink;
import io.filterwatch.trainer.publish.SnapshotPublisher;
import io.filterwatch.trainer.train.RunManager;
import io.filterwatch.trainer.train.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN when the last run failed or when Kafka is not taking our records (the last
 * send failed and none succeeded since, see {@link KafkaLink}), with the publisher's counters.
 * Liveness is deliberately not tied to Kafka: a restart would kill the training run.
 */
@Readiness
@ApplicationScoped
public class RunReadiness implements HealthCheck {

    @Inject
    RunManager runs;

    @Inject
    SnapshotPublisher publisher;

    @Inject
    KafkaLink kafka;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("trainer-run").up();
        var stats = publisher.stats();
        b.withData("snapshotsPublished", stats.published())
                .withData("snapshotsDropped", stats.dropped())
                .withData("snapshotsBuffered", stats.buffered());
        b.withData("kafka", kafka.up() ? "UP" : "DOWN");
        if (!kafka.up()) {
            b.down().withData("kafkaError", String.valueOf(kafka.lastFailure()));
        }
        runs.current().ifPresent(s -> {
            b.withData("runId", s.runId()).withData("state", s.state().name()).withData("step", s.step());
            if (s.state() == RunStatus.State.FAILED) {
                b.down().withData("message", String.valueOf(s.message()));
            }
        });
        return b.build();
    }
}
