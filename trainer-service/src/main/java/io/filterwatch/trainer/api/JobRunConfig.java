package io.filterwatch.trainer.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.filterwatch.trainer.config.RunConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The run of job mode, from {@code filterwatch.run.<field>} properties (kebab-case, e.g.
 * {@code filterwatch.run.learning-rate=5e-3}) or the matching environment variables
 * ({@code FILTERWATCH_RUN_LEARNING_RATE}). Field names are those of {@link RunConfig}; lists
 * are comma-separated ({@code filterwatch.run.widths=32,32,64,64,128}).
 */
@ApplicationScoped
public class JobRunConfig {

    private static final String PREFIX = "filterwatch.run.";
    private static final String ENV_PREFIX = "FILTERWATCH_RUN_";
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();

    public RunConfig read() {
        return fromProperties(properties());
    }

    /** The configured fields as given, field name (camelCase) to string value; defaults not applied. */
    public Map<String, String> properties() {
        Config config = ConfigProvider.getConfig();
        Map<String, String> raw = new LinkedHashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) || name.startsWith(ENV_PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> raw.put(camelField(name), v));
            }
        }
        return raw;
    }

    private static String camelField(String name) {
        return name.startsWith(PREFIX) ? camel(name.substring(PREFIX.length()), '-')
                : camel(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT), '_');
    }

    /** Builds a config from field name to string value; throws IllegalArgumentException naming the bad field. */
    public static RunConfig fromProperties(Map<String, String> fields) {
        Map<String, Object> values = new LinkedHashMap<>();
        fields.forEach((k, v) -> values.put(k, k.equals("widths")
                ? Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList() : v));
        try {
            return MAPPER.convertValue(values, RunConfig.class).resolved().validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid filterwatch.run.* configuration: " + e.getMessage(), e);
        }
    }

    static String camel(String s, char separator) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : s.toCharArray()) {
            if (c == separator || c == '.') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
