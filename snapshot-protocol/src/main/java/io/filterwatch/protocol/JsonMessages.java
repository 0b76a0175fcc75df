package io.filterwatch.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON form of the low-volume messages ({@link FilterStat}, {@link LayerStat}, {@link Alert},
 * {@link RunEvent}); {@code docs/protocol.md} shows one of each.
 *
 * <ul>
 * <li>Null fields are omitted ("undefined" reads back as null); a missing primitive reads as 0/false.</li>
 * <li>Unknown properties are ignored, so a reader accepts messages from a newer writer.</li>
 * <li>Non-finite doubles are written as the JSON strings {@code "NaN"}, {@code "Infinity"},
 *     {@code "-Infinity"} (valid JSON) and read back as such.</li>
 * <li>Enums as their names; field order is the record's.</li>
 * <li>Doubles with the shortest digits that read back to the same value.</li>
 * </ul>
 * The mapper is configured once and never changed afterwards, which makes it thread-safe.
 */
public final class JsonMessages {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private JsonMessages() {
    }

    /** Applies this protocol's settings to a mapper, e.g. a Quarkus {@code ObjectMapperCustomizer}'s. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS, true)
                // Schubfach: the shortest digits that read back to the same double, several times
                // faster than Double.toString (the probe writes ~20 doubles per FilterStat)
                .configure(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature(), true);
    }

    public static byte[] toJson(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** @throws IllegalArgumentException if {@code json} is not a valid {@code type} message */
    public static <T> T fromJson(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " JSON message: " + e.getMessage(), e);
        }
    }
}
