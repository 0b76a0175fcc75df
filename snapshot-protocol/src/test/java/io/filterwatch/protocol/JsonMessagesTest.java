package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonMessagesTest {

    static FilterStat filterStat() {
        return new FilterStat("run-42", "conv3", 2, 17, 1200, 3, 1_764_000_000_000L, FilterState.DEAD, 1100,
                true, false, 6400, 0.0, 0.0, 1.0, 0.0, 0.0, 4.2e-3, -0.31, 0.87,
                12.5, 3.1, null, 41.0, false);
    }

    static LayerStat layerStat() {
        return new LayerStat("run-42", "conv3", 2, 1200, 3, 1_764_000_000_000L, 1, "adam", 5e-3, 5e-4, 0.0, 64,
                6400, 64, 50, 4, 9, 1, 9, 2, 2, 0.140625, 0.140625, 0.03125,
                List.of(40, 10, 5, 3, 2, 1, 1, 0, 0, 2), 1.2, 8.5, 0.9, 4.0, 0.01, 11.0,
                0.12, 0.13, 5202, 1_020_000, 0);
    }

    static Alert alert() {
        return new Alert("run-42/conv3/filter-collapse/1100", "run-42", "filter-collapse", Alert.Severity.WARNING,
                Alert.Status.FIRING, "conv3", 1200, 1_764_000_000_000L, "14% of conv3's filters are dead",
                "9 of 64 filters of conv3 are dead by the activation test.", Map.of("optimizer", "adam"));
    }

    static RunEvent runEvent() {
        return new RunEvent("run-42", RunEvent.Type.EPOCH_END, 1200, 3, 1_764_000_000_000L, 0.41, 0.86, null,
                Map.of("optimizer", "adam", "lr", "5e-3"));
    }

    @Test
    void filterStatRoundTrips() {
        assertThat(roundTrip(filterStat(), FilterStat.class)).isEqualTo(filterStat());
    }

    @Test
    void layerStatRoundTrips() {
        assertThat(roundTrip(layerStat(), LayerStat.class)).isEqualTo(layerStat());
    }

    @Test
    void alertRoundTrips() {
        assertThat(roundTrip(alert(), Alert.class)).isEqualTo(alert());
    }

    @Test
    void runEventRoundTrips() {
        assertThat(roundTrip(runEvent(), RunEvent.class)).isEqualTo(runEvent());
    }

    @Test
    void nullFieldsAreOmittedAndReadBackAsNull() {
        String json = new String(JsonMessages.toJson(runEvent()), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("message").contains("\"type\":\"EPOCH_END\"");
        assertThat(new String(JsonMessages.toJson(filterStat()), StandardCharsets.UTF_8)).doesNotContain("weightDominance");
    }

    @Test
    void unknownPropertiesAreIgnoredForForwardCompatibility() {
        byte[] newer = "{\"runId\":\"r\",\"type\":\"STARTED\",\"step\":0,\"addedInV2\":{\"x\":[1,2]}}".getBytes(StandardCharsets.UTF_8);
        RunEvent event = JsonMessages.fromJson(newer, RunEvent.class);
        assertThat(event.runId()).isEqualTo("r");
        assertThat(event.type()).isEqualTo(RunEvent.Type.STARTED);
        assertThat(event.loss()).isNull();
    }

    @Test
    void nonFiniteDoublesTravelAsStrings() {
        RunEvent diverged = new RunEvent("r", RunEvent.Type.FAILED, 9, 0, 1, Double.NaN, Double.POSITIVE_INFINITY, "loss is NaN", Map.of());
        String json = new String(JsonMessages.toJson(diverged), StandardCharsets.UTF_8);
        assertThat(json).contains("\"loss\":\"NaN\"").contains("\"accuracy\":\"Infinity\"");
        assertThat(JsonMessages.fromJson(json.getBytes(StandardCharsets.UTF_8), RunEvent.class)).isEqualTo(diverged);
    }

    @Test
    void malformedJsonIsAnIllegalArgument() {
        assertThatThrownBy(() -> JsonMessages.fromJson("{\"runId\":".getBytes(StandardCharsets.UTF_8), Alert.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid Alert JSON message");
    }

    /** Prints the examples quoted in docs/protocol.md (run the test to refresh them). */
    @Test
    void examplesForTheDocs() {
        for (Object message : List.of(filterStat(), layerStat(), alert(), runEvent())) {
            String json = new String(JsonMessages.toJson(message), StandardCharsets.UTF_8);
            assertThat(json).startsWith("{\"");
            System.out.println(message.getClass().getSimpleName() + ": " + json);
        }
    }

    private static <T> T roundTrip(T message, Class<T> type) {
        return JsonMessages.fromJson(JsonMessages.toJson(message), type);
    }
}
