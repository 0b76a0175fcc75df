package io.filterwatch.aggregator.pipeline;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.JsonMessages;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.Topics;

/** JSON of the four input topics to protocol records; the topic decides the type. */
public final class RecordDecoder {
    private final ObjectMapper json;

    public RecordDecoder(ObjectMapper json) {
        this.json = json;
    }

    /** The protocol's own JSON settings ({@link JsonMessages}): unknown fields ignored, nulls omitted, NaN as strings. */
    public static ObjectMapper mapper() {
        return JsonMessages.configure(new ObjectMapper());
    }

    public Object decode(String topic, String value) throws IOException {
        if (value == null) {
            throw new IOException("empty record");
        }
        return switch (topic) {
            case Topics.LAYER_STATS -> json.readValue(value, LayerStat.class);
            case Topics.FILTER_STATS -> json.readValue(value, FilterStat.class);
            case Topics.RUNS -> json.readValue(value, RunEvent.class);
            case Topics.ALERTS -> json.readValue(value, Alert.class);
            default -> throw new IOException("unexpected topic " + topic);
        };
    }
}
