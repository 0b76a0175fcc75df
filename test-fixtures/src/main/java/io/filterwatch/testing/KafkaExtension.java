package io.filterwatch.testing;

import java.util.Optional;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link WithKafka}: one broker per test class, kept in the class's
 * extension store, which stops it (and deletes its log dir) when the class is done.
 * Usable directly with {@code @ExtendWith(KafkaExtension.class)} (one partition, no topics).
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) throws ParameterResolutionException {
        return pc.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) throws ParameterResolutionException {
        return broker(ec);
    }

    private static EmbeddedKafka broker(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        ExtensionContext owner = classContext;
        Holder h = owner.getStore(NS).computeIfAbsent(Holder.class, k -> {
            Optional<WithKafka> cfg = owner.getTestClass().map(c -> c.getAnnotation(WithKafka.class));
            int partitions = cfg.map(WithKafka::partitions).orElse(EmbeddedKafka.DEFAULT_PARTITIONS);
            EmbeddedKafka kafka = EmbeddedKafka.start(partitions);
            for (String t : cfg.map(WithKafka::topics).orElse(new String[0])) {
                kafka.createTopic(t, partitions);
            }
            return new Holder(kafka);
        }, Holder.class);
        return h.kafka;
    }

    /** JUnit closes AutoCloseable store values when their context ends. */
    private record Holder(EmbeddedKafka kafka) implements AutoCloseable {
        @Override
        public void close() {
            kafka.stop();
        }
    }
}
