package io.filterwatch.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** JUnit 5 extension behind {@link WithInfluxDb}: one influxd per test class, stopped when the class is done. */
public final class InfluxDbExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(InfluxDbExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == LocalInfluxDb.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return server(ec);
    }

    private static LocalInfluxDb server(ExtensionContext context) {
        ExtensionContext owner = context;
        while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
            owner = owner.getParent().get();
        }
        ExtensionContext classContext = owner;
        return classContext.getStore(NS).computeIfAbsent(Holder.class, k -> {
            LocalInfluxDb influx = LocalInfluxDb.start();
            String[] dbs = classContext.getTestClass().map(c -> c.getAnnotation(WithInfluxDb.class))
                    .map(WithInfluxDb::databases).orElse(new String[] {InfluxDbResource.DATABASE});
            for (String db : dbs) {
                influx.createDatabase(db);
            }
            return new Holder(influx);
        }, Holder.class).influx;
    }

    private record Holder(LocalInfluxDb influx) implements AutoCloseable {
        @Override
        public void close() {
            influx.stop();
        }
    }
}
