package io.filterwatch.aggregator.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.protocol.Backoff;
import io.filterwatch.protocol.Alert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Delivers alerts to the configured webhooks from one background thread, so a slow or dead receiver
 * never stalls the stream. Each delivery is retried with exponential backoff up to
 * {@code maxAttempts}; the queue is bounded and overflow is dropped and counted. Webhooks are
 * best-effort by design: the durable record of an alert is the topic and InfluxDB.
 */
public final class WebhookNotifier implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);

    private final WebhookSettings settings;
    private final ObjectMapper json;
    private final HttpClient http;
    private final BlockingQueue<Delivery> queue;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;
    private final Counter retries;
    private final Clock clock;
    private final Thread worker;
    private volatile boolean running = true;

    public WebhookNotifier(WebhookSettings settings, ObjectMapper json, MeterRegistry registry) {
        this.settings = settings;
        this.json = json;
        this.clock = Clock.systemUTC();
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.queue = new ArrayBlockingQueue<>(Math.max(1, settings.queueCapacity()));
        this.delivered = Counter.builder("filterwatch.aggregator.webhook.deliveries").tag("result", "delivered").register(registry);
        this.failed = Counter.builder("filterwatch.aggregator.webhook.deliveries").tag("result", "failed").register(registry);
        this.dropped = Counter.builder("filterwatch.aggregator.webhook.deliveries").tag("result", "dropped").register(registry);
        this.retries = Counter.builder("filterwatch.aggregator.webhook.retries").register(registry);
        this.worker = new Thread(this::loop, "filterwatch-webhooks");
        this.worker.setDaemon(true);
        if (settings.enabled()) {
            worker.start();
        }
    }

    public void enqueue(List<Alert> alerts) {
        if (!settings.enabled()) {
            return;
        }
        for (Alert a : alerts) {
            settings.alertmanagerUrl().ifPresent(url -> offer(new Delivery(url, a, true)));
            settings.slackUrl().ifPresent(url -> offer(new Delivery(url, a, false)));
        }
    }

    private void offer(Delivery d) {
        if (!queue.offer(d)) {
            dropped.increment();
            LOG.warnf("Webhook queue full, dropping alert %s for %s", d.alert().id(), d.url());
        }
    }

    private void loop() {
        while (running) {
            try {
                Delivery d = queue.poll(500, TimeUnit.MILLISECONDS);
                if (d != null) {
                    deliver(d);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void deliver(Delivery d) throws InterruptedException {
        Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        for (int attempt = 1; attempt <= settings.maxAttempts() && running; attempt++) {
            try {
                Object payload = d.alertmanager()
                        ? WebhookPayloads.alertmanager(d.alert(), clock.instant(), settings.firingTtl())
                        : WebhookPayloads.slack(d.alert());
                HttpRequest request = HttpRequest.newBuilder(d.url())
                        .timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(payload)))
                        .build();
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    delivered.increment();
                    return;
                }
                // 4xx other than 429 will not get better by retrying.
                if (response.statusCode() / 100 == 4 && response.statusCode() != 429) {
                    LOG.warnf("Webhook %s rejected alert %s: HTTP %d", d.url(), d.alert().id(), response.statusCode());
                    failed.increment();
                    return;
                }
                LOG.debugf("Webhook %s answered HTTP %d (attempt %d)", d.url(), response.statusCode(), attempt);
            } catch (JsonProcessingException e) {
                failed.increment();
                return;
            } catch (java.io.IOException e) {
                LOG.debugf("Webhook %s unreachable (attempt %d): %s", d.url(), attempt, e.toString());
            }
            if (attempt < settings.maxAttempts()) {
                retries.increment();
                Thread.sleep(backoff.nextDelayMillis());
            }
        }
        failed.increment();
        LOG.warnf("Giving up delivering alert %s to %s after %d attempts", d.alert().id(), d.url(), settings.maxAttempts());
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }

    private record Delivery(URI url, Alert alert, boolean alertmanager) {
    }
}
