package io.filterwatch.trainer.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.filterwatch.protocol.RunEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Run life-cycle events as JSON on {@code filterwatch.runs}, keyed by run id. Rare and small, so
 * they go straight to the emitter; a failure is logged, never thrown into training.
 */
@ApplicationScoped
public class RunEventPublisher {

    private static final Logger LOG = Logger.getLogger(RunEventPublisher.class);
    // Same settings as the protocol's JsonMessages: nulls omitted, non-finite numbers as strings.
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS, true);

    @Inject
    @Channel("runs")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
    Emitter<String> emitter;

    @Inject
    KafkaLink link;

    public CompletionStage<Void> publish(RunEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            String json = JSON.writeValueAsString(event);
            OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(event.runId()).build();
            emitter.send(Message.of(json, Metadata.of(meta),
                    () -> {
                        link.acknowledged();
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    },
                    failure -> {
                        link.failed(failure);
                        LOG.warnf("run event %s of %s not delivered: %s", event.type(), event.runId(), failure);
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("run event %s of %s not sent: %s", event.type(), event.runId(), e);
            done.complete(null);
        }
        return done;
    }

    static String toJson(RunEvent event) throws JsonProcessingException {
        return JSON.writeValueAsString(event);
    }
}
