package io.filterwatch.aggregator.api;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.filterwatch.aggregator.AggregatorService;
import io.filterwatch.aggregator.pipeline.AggregatorPipeline;

/** Readiness reflects both dependencies; liveness only that the consumer thread is alive (an outage is not a reason to restart). */
@ApplicationScoped
public class HealthChecks {

    @Inject
    AggregatorService service;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Admin admin;

    @Readiness
    HealthCheck influx() {
        return () -> {
            boolean up = service.sink().ping();
            return HealthCheckResponse.named("influxdb").status(up)
                    .withData("url", service.sink().settings().url())
                    .withData("database", service.sink().settings().database())
                    .withData("lastWriteOk", service.sink().lastWriteOk())
                    .build();
        };
    }

    @Readiness
    HealthCheck kafka() {
        return () -> {
            boolean up;
            String error = "";
            try {
                up = admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).size() > 0;
            } catch (Exception e) {
                up = false;
                error = e.toString();
            }
            AggregatorPipeline p = service.pipeline();
            return HealthCheckResponse.named("kafka").status(up)
                    .withData("consumerRunning", p != null && p.isRunning())
                    .withData("holdingFailedBatch", p != null && p.isHoldingBatch())
                    .withData("lag", p == null ? 0 : p.lag())
                    .withData("error", error)
                    .build();
        };
    }

    @Liveness
    HealthCheck consumer() {
        return () -> {
            AggregatorPipeline p = service.pipeline();
            return HealthCheckResponse.named("aggregator-consumer").status(p == null || p.isRunning()).build();
        };
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties p = AggregatorService.kafkaProperties(kafkaConfig);
            p.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            admin = Admin.create(p);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
