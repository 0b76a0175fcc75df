package io.filterwatch.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.influx.InfluxSchema;

/**
 * Every InfluxQL query of the Grafana dashboards (panels, template variables, annotations) and of
 * the unified-alerting rules under {@code grafana/}, as Grafana would send them once its template
 * variables and macros are substituted, and what each uses that the InfluxDB schema
 * ({@link InfluxSchema}, snapshot-protocol) does not have ({@link Query#schemaProblems()}).
 *
 * <p>Used by deploy-tests to run each one against a real InfluxDB, and by e2e-tests'
 * {@code PipelineE2EIT}, which fills InfluxDB through the real pipeline, then
 * <pre>{@code
 * var vars = DashboardQueries.Variables.of(runId, layer, from, to);
 * for (DashboardQueries.Query q : DashboardQueries.all()) {
 *     String influxQl = q.substituted(vars);   // run on database InfluxSchema.DEFAULT_DATABASE
 * }
 * }</pre>
 *
 * <p>Substitution follows Grafana's InfluxDB datasource: {@code $timeFilter} becomes
 * {@code time >= <from>ms and time <= <to>ms}, {@code $__interval} a duration literal, and
 * {@code $run} / {@code $layer} their value, regex-escaped inside a {@code /^$var$/} literal.
 * A query left with an unknown {@code $variable} is an error.
 */
public final class DashboardQueries {

    public enum Kind { PANEL, VARIABLE, ANNOTATION, ALERT_RULE }

    /**
     * One query.
     *
     * @param kind   where it comes from
     * @param source file relative to the repository root, e.g. {@code grafana/dashboards/fleet.json}
     * @param name   panel title + refId, variable name, annotation name, or alert rule uid + refId
     * @param raw    the query text as stored, with Grafana's variables
     * @param maxDataPoints the panel's {@code maxDataPoints}, null when it has none (Grafana then uses
     *               the panel's width in pixels: {@link Variables#interval()} stands for it)
     * @param minInterval the panel's {@code interval} (Grafana's "min interval"), null when none
     */
    public record Query(Kind kind, String source, String name, String raw, Integer maxDataPoints, Duration minInterval) {
        public Query(Kind kind, String source, String name, String raw) {
            this(kind, source, name, raw, null, null);
        }

        /** As Grafana sends it for this panel: its own {@code $__interval} when it sets maxDataPoints or a min interval. */
        public String substituted(Variables vars) {
            return substitute(raw, vars.forPanel(maxDataPoints, minInterval));
        }

        public boolean usesRun() {
            return RUN_REF.matcher(raw).find();
        }

        public boolean usesLayer() {
            return LAYER_REF.matcher(raw).find();
        }

        /** The measurements it reads ({@code FROM "name"}). */
        public Set<String> measurements() {
            return quoted(FROM, raw);
        }

        /** The names it gives its columns ({@code AS "name"}). */
        public Set<String> aliases() {
            return quoted(AS, raw);
        }

        /** Every double-quoted identifier: measurements, tag and field keys, aliases. */
        public Set<String> identifiers() {
            return quoted(IDENTIFIER, raw);
        }

        /**
         * What it uses that {@link InfluxSchema} does not have: a measurement, a tag or field key not
         * in the measurements it reads, a run event type that does not exist; empty when none.
         */
        public List<String> schemaProblems() {
            List<String> problems = new ArrayList<>();
            Set<String> ms = measurements();
            if (ms.isEmpty()) {
                problems.add(this + ": no FROM \"measurement\"");
            }
            for (String m : ms) {
                if (InfluxSchema.measurement(m).isEmpty()) {
                    problems.add(this + ": unknown measurement " + m);
                }
            }
            Set<String> aliases = aliases();
            for (String id : identifiers()) {
                if (InfluxSchema.measurement(id).isPresent() || aliases.contains(id)) {
                    continue;
                }
                boolean ok = ms.stream().map(InfluxSchema::measurement).flatMap(Optional::stream).anyMatch(m -> m.has(id));
                if (!ok) {
                    problems.add(this + ": \"" + id + "\" is no tag or field of " + ms);
                }
            }
            Matcher type = RUN_EVENT_TYPE.matcher(raw);
            while (type.find()) {
                String t = type.group(1);
                if (Stream.of(RunEvent.Type.values()).noneMatch(v -> v.name().equals(t))) {
                    problems.add(this + ": unknown run event type " + t);
                }
            }
            return problems;
        }

        @Override
        public String toString() {
            return source + " :: " + name;
        }
    }

    /** Values of the dashboards' template variables and of Grafana's time range and interval. */
    public record Variables(String run, String layer, Instant from, Instant to, Duration interval) {
        public Variables {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(interval, "interval");
        }

        /**
         * The interval Grafana gives a panel: range / maxDataPoints rounded to a "nice" value
         * ({@link #roundInterval}), not below the panel's min interval; this one when the panel sets neither.
         */
        public Variables forPanel(Integer maxDataPoints, Duration minInterval) {
            if (maxDataPoints == null && minInterval == null) {
                return this;
            }
            long ms = maxDataPoints == null ? interval.toMillis()
                    : roundInterval(Duration.between(from, to).toMillis() / Math.max(1, maxDataPoints));
            if (minInterval != null) {
                ms = Math.max(ms, minInterval.toMillis());
            }
            return new Variables(run, layer, from, to, Duration.ofMillis(ms));
        }

        /** Interval as Grafana would pick for ~1000 points over the range, at least 1 s. */
        public static Variables of(String run, String layer, Instant from, Instant to) {
            long ms = Math.max(1000L, Duration.between(from, to).toMillis() / 1000L);
            return new Variables(run, layer, from, to, Duration.ofMillis(ms));
        }
    }

    /**
     * Grafana's rounding of an interval in ms to a nice value (its rangeutil {@code roundInterval}): the
     * upper bound of each band and the value it rounds to.
     */
    private static final long[][] ROUND = {
            {10, 1}, {15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500}, {1_500, 1_000},
            {3_500, 2_000}, {7_500, 5_000}, {12_500, 10_000}, {17_500, 15_000}, {25_000, 20_000},
            {45_000, 30_000}, {90_000, 60_000}, {210_000, 120_000}, {450_000, 300_000}, {750_000, 600_000},
            {1_050_000, 900_000}, {1_500_000, 1_200_000}, {2_700_000, 1_800_000}, {5_400_000, 3_600_000},
            {9_000_000, 7_200_000}, {16_200_000, 10_800_000}, {24_300_000, 21_600_000}, {64_800_000, 43_200_000},
            {129_600_000, 86_400_000}};

    static long roundInterval(long ms) {
        for (long[] band : ROUND) {
            if (ms <= band[0]) {
                return band[1];
            }
        }
        return 604_800_000L; // a week
    }

    private static final Pattern RUN_REF = Pattern.compile("\\$(\\{run\\}|run(?![A-Za-z0-9_]))");
    private static final Pattern LAYER_REF = Pattern.compile("\\$(\\{layer\\}|layer(?![A-Za-z0-9_]))");
    private static final Pattern LEFTOVER = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern FROM = Pattern.compile("(?i)\\bFROM\\s+\"([^\"]+)\"");
    private static final Pattern AS = Pattern.compile("(?i)\\bAS\\s+\"([^\"]+)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("\"([^\"]+)\"");
    private static final Pattern RUN_EVENT_TYPE = Pattern.compile("\"" + InfluxSchema.Tags.TYPE.name() + "\"\\s*!?=\\s*'([^']*)'");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DashboardQueries() {
    }

    /** Null when the result has no error and at least one non-null value besides time; else what is wrong. */
    public static String problem(org.influxdb.dto.QueryResult r) {
        if (r.hasError()) {
            return r.getError();
        }
        if (r.getResults() == null || r.getResults().isEmpty()) {
            return "no result";
        }
        org.influxdb.dto.QueryResult.Result res = r.getResults().get(0);
        if (res.hasError()) {
            return res.getError();
        }
        if (res.getSeries() == null || res.getSeries().isEmpty()) {
            return NO_DATA;
        }
        for (org.influxdb.dto.QueryResult.Series s : res.getSeries()) {
            int timeIndex = s.getColumns().indexOf("time");
            for (List<Object> row : s.getValues()) {
                for (int c = 0; c < row.size(); c++) {
                    if (c != timeIndex && row.get(c) != null) {
                        return null;
                    }
                }
            }
        }
        return "only null values";
    }

    /** What {@link #problem} says of a query that ran fine but matched nothing. */
    public static final String NO_DATA = "no data";

    /** All queries of the repository found by {@link RepoRoot#find()}. */
    public static List<Query> all() {
        return all(RepoRoot.find());
    }

    /** All queries: dashboards in file-name order, then the alert rules. */
    public static List<Query> all(Path repoRoot) {
        List<Query> out = new ArrayList<>();
        for (Path file : files(repoRoot.resolve("grafana/dashboards"), ".json")) {
            out.addAll(fromDashboard(repoRoot, file));
        }
        for (Path file : files(repoRoot.resolve("grafana/provisioning/alerting"), ".yaml", ".yml")) {
            out.addAll(fromAlertRules(repoRoot, file));
        }
        return List.copyOf(out);
    }

    /** All queries with the variables substituted. */
    public static List<String> substituted(Path repoRoot, Variables vars) {
        return all(repoRoot).stream().map(q -> q.substituted(vars)).toList();
    }

    static List<Path> files(Path dir, String... suffixes) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Query> fromDashboard(Path root, Path file) {
        String source = root.relativize(file).toString().replace('\\', '/');
        JsonNode dash = read(JSON, file);
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : panels(dash)) {
            String title = panel.path("title").asText("panel " + panel.path("id").asText());
            for (JsonNode t : panel.path("targets")) {
                String q = t.path("query").asText("");
                if (!q.isBlank()) {
                    Integer maxDataPoints = panel.hasNonNull("maxDataPoints") ? panel.get("maxDataPoints").asInt() : null;
                    Duration minInterval = panel.hasNonNull("interval") ? grafanaDuration(panel.get("interval").asText()) : null;
                    out.add(new Query(Kind.PANEL, source, title + " [" + t.path("refId").asText("?") + "]", q,
                            maxDataPoints, minInterval));
                }
            }
        }
        for (JsonNode v : dash.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                JsonNode q = v.path("query");
                String text = q.isObject() ? q.path("query").asText("") : q.asText("");
                if (!text.isBlank()) {
                    out.add(new Query(Kind.VARIABLE, source, "$" + v.path("name").asText(), text));
                }
            }
        }
        for (JsonNode a : dash.path("annotations").path("list")) {
            if (a.path("builtIn").asInt(0) == 1) {
                continue;
            }
            String text = a.path("query").asText("");
            if (text.isBlank()) {
                text = a.path("target").path("query").asText("");
            }
            if (!text.isBlank()) {
                out.add(new Query(Kind.ANNOTATION, source, "annotation " + a.path("name").asText(), text));
            }
        }
        return out;
    }

    static List<Query> fromAlertRules(Path root, Path file) {
        String source = root.relativize(file).toString().replace('\\', '/');
        JsonNode doc = read(YAML, file);
        List<Query> out = new ArrayList<>();
        for (JsonNode group : doc.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                for (JsonNode d : rule.path("data")) {
                    if ("__expr__".equals(d.path("datasourceUid").asText())) {
                        continue;
                    }
                    String q = d.path("model").path("query").asText("");
                    if (!q.isBlank()) {
                        out.add(new Query(Kind.ALERT_RULE, source, rule.path("uid").asText() + " [" + d.path("refId").asText() + "]", q));
                    }
                }
            }
        }
        return out;
    }

    /** Panels of a dashboard, including those nested in rows. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collect(p.path("panels"), out);
        }
    }

    private static Set<String> quoted(Pattern p, String query) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = p.matcher(query);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Grafana's substitution of the variables and macros the FilterWatch queries use. */
    public static String substitute(String raw, Variables v) {
        String s = raw;
        s = s.replace("$timeFilter", timeFilter(v)).replace("${timeFilter}", timeFilter(v));
        s = s.replace("$__interval_ms", Long.toString(v.interval().toMillis()))
                .replace("${__interval_ms}", Long.toString(v.interval().toMillis()));
        s = s.replace("$__interval", duration(v.interval())).replace("${__interval}", duration(v.interval()));
        s = variable(s, "run", v.run());
        s = variable(s, "layer", v.layer());
        Matcher m = LEFTOVER.matcher(s);
        if (m.find()) {
            throw new IllegalArgumentException("unresolved Grafana variable " + m.group() + " in: " + raw);
        }
        return s;
    }

    private static String variable(String s, String name, String value) {
        // Inside a regex literal /^$name$/ the value is regex-escaped, as Grafana does.
        s = s.replace("/^$" + name + "$/", "/^" + regexEscape(value) + "$/")
                .replace("/^${" + name + "}$/", "/^" + regexEscape(value) + "$/");
        s = s.replace("${" + name + "}", value);
        return s.replaceAll("\\$" + name + "(?![A-Za-z0-9_])", Matcher.quoteReplacement(value));
    }

    static String timeFilter(Variables v) {
        return "time >= " + v.from().toEpochMilli() + "ms and time <= " + v.to().toEpochMilli() + "ms";
    }

    /** A Grafana duration such as {@code 30s}, {@code 5m}, {@code 1h} (the {@code >} prefix of a min interval ignored). */
    static Duration grafanaDuration(String text) {
        Matcher m = Pattern.compile("^>?(\\d+)(ms|s|m|h|d)$").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Grafana interval: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Grafana's regexEscape for InfluxDB regex literals. */
    public static String regexEscape(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            if ("\\^$*+?.()|{}[]/".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }
}
