package io.filterwatch.aggregator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.filterwatch.aggregator.alert.AlertSettings;
import io.filterwatch.aggregator.alert.WebhookSettings;
import io.filterwatch.aggregator.runs.RunRegistry;
import io.filterwatch.aggregator.sink.InfluxSettings;

/**
 * The core's settings and its run registry as CDI beans, read from the config mappings (which hold
 * every default). The core takes plain records, so tests, the benchmark and the console's backtest
 * run it without Quarkus; here is the one place Quarkus configuration becomes those records.
 */
@ApplicationScoped
public class AggregatorBeans {

    @Produces
    @Singleton
    AlertSettings alertSettings(AggregatorConfig config) {
        return AlertSettings.of(config.alerts());
    }

    @Produces
    @Singleton
    InfluxSettings influxSettings(InfluxConfig c) {
        return new InfluxSettings(c.url(), c.database(), c.username(), c.password(), c.batchSize(), c.initialBackoff(),
                c.maxBackoff(), c.timeout(), c.createDatabase());
    }

    @Produces
    @Singleton
    WebhookSettings webhookSettings(AggregatorConfig config) {
        AggregatorConfig.Webhooks w = config.webhooks();
        return new WebhookSettings(w.alertmanagerUrl(), w.slackUrl(), w.maxAttempts(), w.initialBackoff(), w.maxBackoff(),
                w.queueCapacity(), w.timeout(), w.firingTtl());
    }

    @Produces
    @Singleton
    RunRegistry runRegistry(AggregatorConfig config) {
        return new RunRegistry(config.maxAlertsPerRun());
    }
}
