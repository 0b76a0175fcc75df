package io.filterwatch.aggregator.alert;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Optional alert receivers (properties {@code aggregator.webhooks.*}).
 *
 * @param alertmanagerUrl Alertmanager's {@code /api/v2/alerts} endpoint, e.g. {@code http://alertmanager:9093/api/v2/alerts}
 * @param slackUrl        any receiver that accepts {@code {"text": "..."}} (Slack, Mattermost, Rocket.Chat incoming webhooks)
 * @param maxAttempts     attempts per delivery before it is dropped and counted
 * @param queueCapacity   deliveries waiting; beyond it new ones are dropped and counted (memory stays bounded)
 * @param firingTtl       {@code endsAt} of a FIRING alert sent to Alertmanager is now + this; the RESOLVED one ends it earlier
 */
public record WebhookSettings(
        Optional<URI> alertmanagerUrl,
        Optional<URI> slackUrl,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int queueCapacity,
        Duration timeout,
        Duration firingTtl) {

    public static WebhookSettings none() {
        return new WebhookSettings(Optional.empty(), Optional.empty(), 5, Duration.ofMillis(500), Duration.ofSeconds(30),
                1000, Duration.ofSeconds(5), Duration.ofHours(24));
    }

    public boolean enabled() {
        return alertmanagerUrl.isPresent() || slackUrl.isPresent();
    }
}
