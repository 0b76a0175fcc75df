package io.filterwatch.aggregator.sink;

import java.util.Set;

import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Field;
import io.filterwatch.protocol.influx.InfluxSchema.Measurement;
import io.filterwatch.protocol.influx.InfluxSchema.Tag;

/**
 * InfluxDB line protocol for one point, written straight into a {@link StringBuilder}.
 *
 * <p>Why not influxdb-java's {@code Point}: it formats every float through a {@code DecimalFormat}
 * and sorts tags and fields into maps, ~20 us per {@code filter_stats} point, which on a 2-core
 * machine is CPU the InfluxDB server needs. Here doubles use {@link Double#toString} (shortest
 * round-trip digits; InfluxDB accepts its {@code 1.0E-4} scientific form), integers get the
 * {@code i} suffix, strings and names are escaped as the line-protocol reference requires.
 * Callers add tags in key order (InfluxDB's recommendation: the server then need not sort).
 * Names come from the schema's {@link InfluxSchema} constants; the overloads taking a plain name
 * are the encoder underneath.
 */
public final class LineProtocol {
    private final StringBuilder sb = new StringBuilder(384);
    private boolean firstField = true;
    /** When set, the fields the point keeps: {@code field(Field, ...)} skips the others. */
    private Set<Field> only;

    private LineProtocol(String measurement) {
        escape(measurement, false);
    }

    public static LineProtocol measurement(String name) {
        return new LineProtocol(name);
    }

    public static LineProtocol measurement(Measurement measurement) {
        return new LineProtocol(measurement.name());
    }

    /**
     * Keeps only these fields of the {@code field(Field, ...)} calls that follow: the caller lists a
     * measurement's fields once and a subset (a refresh, {@link InfluxSchema#FILTER_REFRESH_FIELDS})
     * is chosen by the schema, not by a second list.
     */
    public LineProtocol only(Set<Field> fields) {
        this.only = fields;
        return this;
    }

    private boolean skipped(Field field) {
        return only != null && !only.contains(field);
    }

    public LineProtocol tag(Tag tag, String value) {
        return tag(tag.name(), value);
    }

    /** InfluxDB has no empty tag values: a missing one is written as {@link InfluxSchema#MISSING_TAG_VALUE}. */
    public LineProtocol tag(String key, String value) {
        if (value == null || value.isEmpty()) {
            value = InfluxSchema.MISSING_TAG_VALUE;
        }
        sb.append(',');
        escape(key, true);
        sb.append('=');
        escape(value, true);
        return this;
    }

    public LineProtocol field(Field field, long value) {
        return skipped(field) ? this : field(field.name(), value);
    }

    public LineProtocol field(Field field, Long value) {
        return skipped(field) ? this : field(field.name(), value);
    }

    public LineProtocol field(Field field, double value) {
        return skipped(field) ? this : field(field.name(), value);
    }

    public LineProtocol field(Field field, Double value) {
        return skipped(field) ? this : field(field.name(), value);
    }

    public LineProtocol field(Field field, String value) {
        return skipped(field) ? this : field(field.name(), value);
    }

    public LineProtocol field(String key, long value) {
        fieldKey(key);
        sb.append(value).append('i');
        return this;
    }

    /** Null (undefined) is omitted, never written as 0. */
    public LineProtocol field(String key, Long value) {
        return value == null ? this : field(key, value.longValue());
    }

    /** Non-finite values are skipped: line protocol has no NaN, and one bad field fails the whole request. */
    public LineProtocol field(String key, double value) {
        if (Double.isFinite(value)) {
            fieldKey(key);
            sb.append(value);
        }
        return this;
    }

    /** Null (undefined) is omitted, never written as 0. */
    public LineProtocol field(String key, Double value) {
        return value == null ? this : field(key, value.doubleValue());
    }

    public LineProtocol field(String key, String value) {
        if (value == null) {
            return this;
        }
        fieldKey(key);
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            } else if (c == '\n' || c == '\r') {
                // a raw newline would end the line (InfluxDB 1.x parses it as the next point)
                c = ' ';
            }
            sb.append(c);
        }
        sb.append('"');
        return this;
    }

    /** The finished line, time in epoch milliseconds (written with {@code precision=ms}). */
    public String time(long epochMillis) {
        if (firstField) {
            throw new IllegalStateException("a point needs at least one field: " + sb);
        }
        return sb.append(' ').append(epochMillis).toString();
    }

    private void fieldKey(String key) {
        sb.append(firstField ? ' ' : ',');
        firstField = false;
        escape(key, true);
        sb.append('=');
    }

    /** Measurements escape commas and spaces; tag keys, tag values and field keys also equals signs. */
    private void escape(String s, boolean equalsToo) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (equalsToo && c == '=')) {
                sb.append('\\');
            } else if (c == '\n') {
                sb.append(' ');
                continue;
            }
            sb.append(c);
        }
    }
}
