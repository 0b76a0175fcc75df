package io.filterwatch.aggregator.alert;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.filterwatch.protocol.Alert;

/** The two payload shapes: Alertmanager's v2 {@code postableAlerts} and the {@code {"text"}} of Slack-style receivers. */
public final class WebhookPayloads {
    private WebhookPayloads() {
    }

    /** One element of Alertmanager's {@code POST /api/v2/alerts} array. The episode id is a label so each episode is its own alert. */
    public static List<Map<String, Object>> alertmanager(Alert a, Instant now, java.time.Duration firingTtl) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (a.labels() != null) {
            labels.putAll(a.labels());
        }
        labels.put("alertname", a.rule());
        labels.put("run", a.runId());
        labels.put("layer", a.layer() == null ? "-" : a.layer());
        labels.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
        labels.put("episode", a.id());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", a.summary() == null ? "" : a.summary());
        annotations.put("description", a.description() == null ? "" : a.description());
        annotations.put("step", Long.toString(a.step()));
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("labels", labels);
        alert.put("annotations", annotations);
        if (a.status() == Alert.Status.FIRING) {
            alert.put("startsAt", Instant.ofEpochMilli(a.wallClockMillis()).toString());
            alert.put("endsAt", now.plus(firingTtl).toString());
        } else {
            // endsAt in the past resolves the alert; Alertmanager matches it to the firing one by labels.
            alert.put("endsAt", Instant.ofEpochMilli(Math.min(a.wallClockMillis(), now.toEpochMilli())).toString());
        }
        return List.of(alert);
    }

    public static Map<String, Object> slack(Alert a) {
        String icon = a.status() == Alert.Status.FIRING ? ":rotating_light:" : ":white_check_mark:";
        String text = String.format(Locale.ROOT, "%s [%s] %s %s (run %s%s, step %d)%n%s", icon, a.status(), a.severity(),
                a.summary(), a.runId(), a.layer() == null ? "" : ", layer " + a.layer(), a.step(),
                a.description() == null ? "" : a.description());
        return Map.of("text", text);
    }
}
