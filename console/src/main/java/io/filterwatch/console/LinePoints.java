package io.filterwatch.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.filterwatch.console.InfluxQueries.Row;

/**
 * Line-protocol points (as the aggregator writes them, {@code PointMapper}) read back into the
 * {@link Row}s an InfluxQL query would return: tags and string fields as strings, numbers as
 * Doubles, {@code time} in epoch millis. What lets a report be built from a replay instead of
 * InfluxDB ({@link RunHistory#fromPoints}) with the aggregator's own mapping.
 */
public final class LinePoints {

    /** One point: its measurement and its row. */
    public record Point(String measurement, Row row) {
    }

    private LinePoints() {
    }

    /** Parses one line: {@code measurement[,tag=v...] field=v[,field=v...] timeMillis}. */
    public static Point parse(String line) {
        List<String> parts = split(line, ' ');
        if (parts.size() != 3) {
            throw new IllegalArgumentException("not a line-protocol point (measurement, fields, time): " + line);
        }
        List<String> head = split(parts.get(0), ',');
        Map<String, Object> values = new LinkedHashMap<>();
        for (String tag : head.subList(1, head.size())) {
            List<String> kv = split(tag, '=');
            values.put(unescape(kv.get(0)), unescape(kv.get(1)));
        }
        for (String field : split(parts.get(1), ',')) {
            List<String> kv = split(field, '=');
            values.put(unescape(kv.get(0)), value(kv.get(1)));
        }
        values.put("time", Double.parseDouble(parts.get(2)));
        return new Point(unescape(head.get(0)), Row.of(values));
    }

    private static Object value(String v) {
        if (v.startsWith("\"")) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length() - 1) {
                    c = v.charAt(++i);
                }
                b.append(c);
            }
            return b.toString();
        }
        return Double.parseDouble(v.endsWith("i") ? v.substring(0, v.length() - 1) : v);
    }

    /** Splits at {@code sep} where it is neither escaped with a backslash nor inside a quoted string. */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Names and tag values: a backslash escapes the next character. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }
}
