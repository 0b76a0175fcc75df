package io.filterwatch.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Fields;
import io.filterwatch.protocol.influx.InfluxSchema.Tags;

/**
 * One frame of the live view, as text: per run its progress, and per layer alive, dying and dead
 * filters as a bar, then the alert episodes. With {@code ansi} the bars are coloured blocks; without,
 * plain ASCII ('=' alive, '~' dying, 'X' dead) that reads the same in a log file.
 */
public final class WatchFrame {

    static final String RESET = "\u001b[0m";
    static final String BOLD = "\u001b[1m";
    static final String DIM = "\u001b[2m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String RED = "\u001b[31m";
    static final String CYAN = "\u001b[36m";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final boolean ansi;
    private final int barWidth;

    public WatchFrame(boolean ansi, int barWidth) {
        this.ansi = ansi;
        this.barWidth = Math.max(10, barWidth);
    }

    /** @param totalSteps per run, the planned number of steps when known (0 = unknown) */
    public String render(List<RunHistory> runs, Map<String, Long> totalSteps, long nowMillis) {
        StringBuilder b = new StringBuilder();
        b.append(c(BOLD, "FilterWatch")).append(" live view  ").append(c(DIM, CLOCK.format(Instant.ofEpochMilli(nowMillis))
                + " UTC  (" + (ansi ? "green alive, yellow dying, red dead" : "= alive, ~ dying, X dead") + ")")).append('\n');
        for (RunHistory run : runs) {
            b.append('\n');
            renderRun(b, run, totalSteps.getOrDefault(run.runId, 0L));
        }
        return b.toString();
    }

    private void renderRun(StringBuilder b, RunHistory run, long total) {
        String status = run.status();
        long step = run.lastStep();
        String statusColour = switch (status) {
            case "FINISHED" -> GREEN;
            case "FAILED" -> RED;
            case "STOPPED" -> YELLOW;
            default -> CYAN;
        };
        b.append(c(BOLD, "run " + run.runId)).append("  ").append(c(statusColour, status));
        b.append("  step ").append(step);
        if (total > 0) {
            b.append('/').append(total).append(' ').append(progressBar(Math.min(1.0, step / (double) total)));
        }
        run.lastEvent().ifPresent(e -> b.append("  epoch ").append(e.lng(Fields.EPOCH)));
        run.lastEventWithLoss().ifPresent(e -> {
            b.append("  loss ").append(NumberFormats.f(e.num(Fields.LOSS), 3));
            if (e.has(Fields.ACCURACY)) {
                b.append("  acc ").append(NumberFormats.f(e.num(Fields.ACCURACY), 3));
            }
        });
        b.append('\n');
        Map<String, String> settings = run.settings();
        if (!settings.isEmpty()) {
            b.append("  settings: ");
            settings.forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
            b.setLength(b.length() - 2);
            b.append('\n');
        }
        List<Row> layers = run.latestLayers();
        if (layers.isEmpty()) {
            b.append("  waiting for the first layer statistics (the probe reports every snapshot interval) ...\n");
        } else {
            int nameWidth = Math.max(5, layers.stream().mapToInt(r -> r.str(Tags.LAYER).length()).max().orElse(5));
            b.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s %7s  %-" + barWidth + "s %6s %6s %6s %6s %7s  %s%n",
                    "layer", "filters", "", "alive", "dying", "silent", "dead", "dead%", "act/scale"));
            for (Row r : layers) {
                long n = r.lng(Fields.FILTER_COUNT);
                long alive = r.lng(Fields.ALIVE) + r.lng(Fields.REVIVED);
                long dying = r.lng(Fields.DYING);
                long dead = r.lng(Fields.DEAD);
                b.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s %7d  ", r.str(Tags.LAYER), n));
                b.append(bar(alive, dying, dead, n));
                b.append(String.format(Locale.ROOT, " %6d %6d %6d %6d %7s  %d/%d%n", alive, dying, r.lng(Fields.SILENT), dead,
                        NumberFormats.pct(n == 0 ? 0 : dead / (double) n), r.lng(Fields.DEAD_BY_ACTIVATION), r.lng(Fields.DEAD_BY_SCALE)));
            }
            long[] t = run.totals();
            String headline = String.format(Locale.ROOT, "  all %d filters: %d alive, %d dying, %d silent, %d dead (%s)",
                    t[0], t[1], t[2], t[6], t[3], NumberFormats.pct(t[0] == 0 ? 0 : t[3] / (double) t[0]));
            b.append(t[3] > 0 ? c(BOLD, headline) : headline).append('\n');
        }
        List<Row> episodes = run.alertEpisodes();
        if (episodes.isEmpty()) {
            b.append("  alerts: none\n");
        } else {
            long firing = episodes.stream().filter(a -> "FIRING".equals(a.str(Fields.STATUS))).count();
            b.append("  alerts: ").append(firing).append(" firing, ").append(episodes.size() - firing).append(" resolved\n");
            int from = Math.max(0, episodes.size() - 8);
            if (from > 0) {
                b.append("    ... ").append(from).append(" earlier\n");
            }
            for (Row a : episodes.subList(from, episodes.size())) {
                boolean on = "FIRING".equals(a.str(Fields.STATUS));
                String sev = a.str(Tags.SEVERITY) == null ? "" : a.str(Tags.SEVERITY);
                String tag = on ? ("CRITICAL".equals(sev) ? c(RED, "FIRING  ") : c(YELLOW, "FIRING  ")) : c(GREEN, "RESOLVED");
                String layer = a.str(Tags.LAYER) == null || InfluxSchema.NO_LAYER.equals(a.str(Tags.LAYER)) ? "" : " [" + a.str(Tags.LAYER) + "]";
                b.append("    ").append(tag).append(" step ").append(a.lng(Fields.STEP)).append(' ')
                        .append(sev.toLowerCase(Locale.ROOT)).append(' ').append(a.str(Tags.RULE)).append(layer);
                String summary = a.str(Fields.SUMMARY);
                if (summary != null && !summary.isBlank()) {
                    summary = summary.startsWith("Resolved: ") ? summary.substring(10) : summary;
                    b.append(": ").append(summary.length() > 90 ? summary.substring(0, 89) + "\u2026" : summary);
                }
                b.append('\n');
            }
        }
        run.lastEvent().filter(e -> "FAILED".equals(e.str(Tags.TYPE)) && e.str(Fields.MESSAGE) != null)
                .ifPresent(e -> b.append("  ").append(c(RED, "failed: " + e.str(Fields.MESSAGE))).append('\n'));
    }

    String bar(long alive, long dying, long dead, long total) {
        if (total <= 0) {
            return " ".repeat(barWidth);
        }
        int d = (int) Math.round(barWidth * dead / (double) total);
        int y = (int) Math.round(barWidth * dying / (double) total);
        if (dead > 0 && d == 0) {
            d = 1;
        }
        if (dying > 0 && y == 0) {
            y = 1;
        }
        int a = Math.max(0, barWidth - d - y);
        if (ansi) {
            return GREEN + "\u2588".repeat(a) + YELLOW + "\u2588".repeat(y) + RED + "\u2588".repeat(d) + RESET;
        }
        return "=".repeat(a) + "~".repeat(y) + "X".repeat(d);
    }

    private String progressBar(double fraction) {
        int w = 20;
        int done = (int) Math.round(w * fraction);
        String inner = ansi ? "\u2588".repeat(done) + "\u2591".repeat(w - done) : "#".repeat(done) + ".".repeat(w - done);
        return "[" + inner + "] " + Math.round(100 * fraction) + "%";
    }

    private String c(String code, String text) {
        return ansi ? code + text + RESET : text;
    }
}
