package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;


import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class JsonMessagesTest {

    static FilterStat filterStat() {
        return new FilterStat("run-42", "conv3", 2, 17, 1200, 3, 1_764_000_000_000L, FilterState.DEAD, 1100,
                true, false, true, 300L, 6400, 0f, 0.0, 1.0, 0.0, 0.0, 4.2e-3f, -0.31f, 0.87f,
                12.5, 3.1, null, 41.0, 0.92, false);
    }

    static LayerStat layerStat() {
        return new LayerStat("run-42", "conv3", 2, 1200, 3, 1_764_000_000_000L, 1, "adam", 5e-3, 5e-4, 0.0, 64,
                6400, 64, 47, 4, 9, 1, 9, 2, 2, 0.140625, 0.140625, 0.03125,
                List.of(40, 10, 5, 3, 2, 1, 1, 0, 0, 2), 1.2, 8.5, 0.9, 4.0, 0.01, 11.0,
                0.12, 0.13, 5202, 1_020_000, 0, 0.75, 3, true);
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

    @Test
    void floatComponentsAreWrittenWithTheFloatsShortestDigits() {
        FilterStat s = withFloats(filterStat(), 0.3f, -0.31f, 1.0906645f, 3.395851f);
        String json = new String(JsonMessages.toJson(s), StandardCharsets.UTF_8);
        assertThat(json).contains("\"windowMaxResponse\":3.395851,", "\"gamma\":0.3,", "\"beta\":-0.31,",
                "\"weightNorm\":1.0906645,");
        // not the widened double's 17 digits (0.30000001192092896), which the probe wrote before
        assertThat(json).doesNotContain("0.3000000");
        assertThat(JsonMessages.fromJson(json.getBytes(StandardCharsets.UTF_8), FilterStat.class).gamma()).isEqualTo(0.3f);
    }

    @Property(tries = 500)
    void floatComponentsRoundTripBitExactly(@ForAll float windowMax, @ForAll float gamma, @ForAll float beta,
                                            @ForAll float weightNorm) {
        FilterStat s = withFloats(filterStat(), gamma, beta, weightNorm, windowMax);
        FilterStat back = JsonMessages.fromJson(JsonMessages.toJson(s), FilterStat.class);
        // floatToIntBits: NaN travels as the string "NaN" and reads back as the canonical NaN
        assertThat(Float.floatToIntBits(back.windowMaxResponse())).isEqualTo(Float.floatToIntBits(windowMax));
        assertThat(Float.floatToIntBits(back.gamma())).isEqualTo(Float.floatToIntBits(gamma));
        assertThat(Float.floatToIntBits(back.beta())).isEqualTo(Float.floatToIntBits(beta));
        assertThat(Float.floatToIntBits(back.weightNorm())).isEqualTo(Float.floatToIntBits(weightNorm));
        assertThat(back).isEqualTo(s);
    }

    @Test
    void aFloatFromADoubleWriterReadsBackAsTheSameFloat() {
        // messages of a probe that still writes the widened double (17 digits) read back bit-exactly
        byte[] old = "{\"gamma\":0.30000001192092896,\"windowMaxResponse\":3.395850896835327}".getBytes(StandardCharsets.UTF_8);
        FilterStat s = JsonMessages.fromJson(old, FilterStat.class);
        assertThat(s.gamma()).isEqualTo(0.3f);
        assertThat(s.windowMaxResponse()).isEqualTo(3.395851f);
    }

    @Test
    void everyMessageIsAStandaloneDocumentEvenAfterAFailedOne() {
        byte[] first = JsonMessages.toJson(filterStat());
        assertThat(JsonMessages.toJson(layerStat())).startsWith((byte) '{');
        assertThat(JsonMessages.toJson(filterStat())).isEqualTo(first);
        assertThatThrownBy(() -> JsonMessages.toJson(new Failing("x")))
                .isInstanceOf(UncheckedIOException.class).hasMessageStartingWith("cannot write Failing as JSON");
        assertThat(JsonMessages.toJson(filterStat())).isEqualTo(first);
        assertThat(new String(JsonMessages.toJson(runEvent()), StandardCharsets.UTF_8)).startsWith("{\"runId\"");
    }

    @Test
    void threadsWriteConcurrentlyWithoutMixingMessages() throws Exception {
        List<FilterStat> stats = new ArrayList<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 400; i++) {
            stats.add(randomFilterStat(rnd));
        }
        List<byte[]> expected = stats.stream().map(JsonMessages::toJson).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < stats.size(); i++) {
                            if (!java.util.Arrays.equals(JsonMessages.toJson(stats.get(i)), expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A message whose accessor throws, to fail a write half-way. */
    record Failing(String id) {
        public String getBroken() {
            throw new IllegalStateException("broken");
        }
    }

    private static FilterStat withFloats(FilterStat s, float gamma, float beta, float weightNorm, float windowMax) {
        return new FilterStat(s.runId(), s.layer(), s.layerIndex(), s.filter(), s.step(), s.epoch(), s.wallClockMillis(),
                s.state(), s.stateSinceStep(), s.deadByActivation(), s.deadByScale(), s.silent(), s.lastFiredStep(),
                s.windowSamples(), windowMax,
                s.activityRate(), s.selectivity(), s.spatialActivity(), s.meanResponse(), gamma, beta, weightNorm,
                s.gammaDominance(), s.betaDominance(), s.weightDominance(), s.adaptiveDecayRatio(),
                s.regulariserStepShare(), s.refresh());
    }

    /** Random values, each nullable component null 20% of the time and each number non-finite 3% of the time. */
    private static FilterStat randomFilterStat(Random rnd) {
        FilterState[] states = FilterState.values();
        return new FilterStat(rnd.nextInt(10) == 0 ? null : "run-" + rnd.nextInt(100),
                rnd.nextInt(10) == 0 ? null : "layer" + rnd.nextInt(50) + ".conv" + rnd.nextInt(3),
                rnd.nextInt(60), rnd.nextInt(2048), rnd.nextLong(), rnd.nextInt(), rnd.nextLong(),
                rnd.nextInt(10) == 0 ? null : states[rnd.nextInt(states.length)], rnd.nextLong(),
                rnd.nextInt(5) == 0 ? null : rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(),
                rnd.nextInt(5) == 0 ? null : rnd.nextLong(), rnd.nextLong(), f(rnd), d(rnd), orNull(rnd, d(rnd)),
                orNull(rnd, d(rnd)), d(rnd), f(rnd), f(rnd), f(rnd), orNull(rnd, d(rnd)), orNull(rnd, d(rnd)),
                orNull(rnd, d(rnd)), orNull(rnd, d(rnd)), orNull(rnd, d(rnd)), rnd.nextBoolean());
    }

    private static double d(Random rnd) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        return rnd.nextInt(100) < 3 ? special[rnd.nextInt(3)] : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
    }

    private static float f(Random rnd) {
        return (float) d(rnd);
    }

    private static Double orNull(Random rnd, double x) {
        return rnd.nextInt(5) == 0 ? null : x;
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
