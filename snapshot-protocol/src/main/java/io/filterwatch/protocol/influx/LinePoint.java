package io.filterwatch.protocol.influx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One InfluxDB line-protocol point read back: what the aggregator's writer produced, parsed with the
 * escapes of the InfluxDB 1.x reference (backslash before commas, spaces and equals signs in names and
 * tag values; before quotes and backslashes in string fields). The one reader of the line protocol: the
 * schema contract test checks written points with it, and the console builds a run's history from a
 * replay's points with it.
 *
 * @param fields typed as written: {@link String}, {@link Long} ({@code i} suffix), {@link Boolean} or {@link Double}
 * @param time the point's timestamp, in the writer's precision
 */
public record LinePoint(String measurement, Map<String, String> tags, Map<String, Object> fields, long time) {

    public LinePoint {
        tags = Collections.unmodifiableMap(tags);
        fields = Collections.unmodifiableMap(fields);
    }

    /** Measurement and tags: the series a point belongs to (with {@link #time}, what InfluxDB overwrites on). */
    public String seriesKey() {
        return measurement + tags;
    }

    /** Parses one line: {@code measurement[,tag=v...] field=v[,field=v...] time}; a malformed line is refused. */
    public static LinePoint parse(String line) {
        try {
            int[] at = {0};
            String measurement = token(line, at, ',', ' ');
            Map<String, String> tags = new LinkedHashMap<>();
            while (line.charAt(at[0]) == ',') {
                at[0]++;
                String key = token(line, at, '=', '=');
                at[0]++;
                tags.put(key, token(line, at, ',', ' '));
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            do {
                at[0]++; // the space before the fields, or the comma between two
                String key = token(line, at, '=', '=');
                at[0]++;
                fields.put(key, value(line, at));
            } while (line.charAt(at[0]) == ',');
            return new LinePoint(measurement, tags, fields, Long.parseLong(line.substring(at[0] + 1)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a line-protocol point: " + line, e);
        }
    }

    /** Up to the first unescaped {@code stop1} or {@code stop2}, unescaped. */
    private static String token(String line, int[] at, char stop1, char stop2) {
        StringBuilder b = new StringBuilder();
        while (at[0] < line.length()) {
            char c = line.charAt(at[0]);
            if (c == '\\' && at[0] + 1 < line.length()) {
                b.append(line.charAt(at[0] + 1));
                at[0] += 2;
            } else if (c == stop1 || c == stop2) {
                break;
            } else {
                b.append(c);
                at[0]++;
            }
        }
        return b.toString();
    }

    private static Object value(String line, int[] at) {
        if (line.charAt(at[0]) == '"') {
            StringBuilder b = new StringBuilder();
            at[0]++;
            while (line.charAt(at[0]) != '"') {
                if (line.charAt(at[0]) == '\\') {
                    at[0]++;
                }
                b.append(line.charAt(at[0]++));
            }
            at[0]++;
            return b.toString();
        }
        String v = token(line, at, ',', ' ');
        if (v.matches("-?\\d+i")) {
            return Long.parseLong(v.substring(0, v.length() - 1));
        }
        if (v.matches("(?i)t|true|f|false")) {
            return v.toLowerCase().startsWith("t");
        }
        return Double.parseDouble(v);
    }
}
