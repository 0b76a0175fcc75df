package io.filterwatch.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

import okhttp3.OkHttpClient;

import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.InfluxSchema.Field;
import io.filterwatch.protocol.influx.InfluxSchema.Measurement;
import io.filterwatch.protocol.influx.InfluxSchema.Tag;

/**
 * A thin InfluxQL reader over FilterWatch's database (names: {@link InfluxSchema}): every result row
 * as a map, times in epoch millis.
 */
public final class InfluxQueries implements AutoCloseable {

    /** One result row: column name to value (numbers are Doubles, "time" is epoch millis), plus the series' tags. */
    public static final class Row {
        private final Map<String, Object> values;

        Row(Map<String, Object> values) {
            this.values = values;
        }

        public static Row of(Map<String, Object> values) {
            return new Row(new LinkedHashMap<>(values));
        }

        public Object get(String key) {
            return values.get(key);
        }

        public String str(String key) {
            Object v = values.get(key);
            return v == null ? null : v.toString();
        }

        public double num(String key) {
            Object v = values.get(key);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof String s) {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
            return Double.NaN;
        }

        public long lng(String key) {
            double d = num(key);
            return Double.isFinite(d) ? (long) d : 0L;
        }

        public int integer(String key) {
            return (int) lng(key);
        }

        public boolean has(String key) {
            Object v = values.get(key);
            return v != null && !(v instanceof Double d && d.isNaN());
        }

        public long time() {
            return lng("time");
        }

        public String str(Tag tag) {
            return str(tag.name());
        }

        public String str(Field field) {
            return str(field.name());
        }

        public double num(Field field) {
            return num(field.name());
        }

        public long lng(Field field) {
            return lng(field.name());
        }

        public int integer(Field field) {
            return integer(field.name());
        }

        public boolean has(Field field) {
            return has(field.name());
        }

        public Map<String, Object> asMap() {
            return values;
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }

    private final InfluxDB influx;
    private final String database;

    public InfluxQueries(String url, String database, String user, String password) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS);
        this.influx = user == null || user.isBlank()
                ? InfluxDBFactory.connect(url, http)
                : InfluxDBFactory.connect(url, user, password == null ? "" : password, http);
        this.database = database;
    }

    public String database() {
        return database;
    }

    /** Rows of every series of the first statement; tags of grouped series are copied into each row. */
    public List<Row> query(String influxQl) {
        QueryResult result = influx.query(new Query(influxQl, database), TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB: " + result.getError() + " for " + influxQl);
        }
        List<Row> rows = new ArrayList<>();
        if (result.getResults() == null) {
            return rows;
        }
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB: " + r.getError() + " for " + influxQl);
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series s : r.getSeries()) {
                List<String> columns = s.getColumns();
                if (s.getValues() == null) {
                    continue;
                }
                for (List<Object> values : s.getValues()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (s.getTags() != null) {
                        m.putAll(s.getTags());
                    }
                    for (int i = 0; i < columns.size() && i < values.size(); i++) {
                        Object v = values.get(i);
                        if (v != null || !m.containsKey(columns.get(i))) {
                            m.put(columns.get(i), v);
                        }
                    }
                    rows.add(new Row(m));
                }
            }
        }
        return rows;
    }

    public boolean ping() {
        try {
            return influx.ping().isGood();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code SELECT * FROM <measurement> WHERE run = '<runId>'}: every column of one run's points. */
    public static String selectRun(Measurement measurement, String runId) {
        return "SELECT * FROM " + measurement.name() + " WHERE " + InfluxSchema.Tags.RUN.name() + " = " + literal(runId);
    }

    /** An InfluxQL string literal. */
    public static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public void close() {
        influx.close();
    }
}
