package io.filterwatch.aggregator.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.filterwatch.protocol.Topics;

/**
 * @param kafka          client properties shared by consumer and producer (bootstrap servers, security)
 * @param groupId        consumer group; keep it stable across deployments, the committed offsets live under it
 * @param maxPollRecords records per batch (one poll, one InfluxDB write, one commit): bounds memory during an outage
 */
public record PipelineSettings(
        Properties kafka,
        String groupId,
        List<String> topics,
        String alertsTopic,
        int maxPollRecords,
        Duration pollTimeout) {

    public static final List<String> INPUT_TOPICS = List.of(Topics.LAYER_STATS, Topics.FILTER_STATS, Topics.RUNS, Topics.ALERTS);

    public static PipelineSettings of(String bootstrapServers, String groupId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        return new PipelineSettings(p, groupId, INPUT_TOPICS, Topics.ALERTS, 2000, Duration.ofMillis(500));
    }
}
