package io.filterwatch.aggregator.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.runs.RunStats;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;
import io.filterwatch.protocol.influx.InfluxSchema;
import io.filterwatch.protocol.influx.LinePoint;
import io.filterwatch.protocol.influx.InfluxSchema.Field;
import io.filterwatch.protocol.influx.InfluxSchema.FieldType;
import io.filterwatch.protocol.influx.InfluxSchema.Measurement;

/**
 * What {@link PointMapper} writes is exactly {@link InfluxSchema}: for one record of each kind it
 * parses the line protocol and fails when a written tag or field is not in the contract, when a
 * field is written with another type than the contract's, when a contract tag is missing, or when a
 * contract field is never written. Records with every value defined must write every field; records
 * with their null-able values null may leave out only the contract's optional fields.
 */
class InfluxSchemaContractTest {
    private static final long T = 1_760_000_000_000L;

    @Test
    void layerStatsPointsAreTheContract() {
        check(InfluxSchema.LAYER_STATS, PointMapper.layerStat(layer(1.5)), true);
        check(InfluxSchema.LAYER_STATS, PointMapper.layerStat(layer(null)), false);
    }

    @Test
    void filterStatsPointsAreTheContract() {
        check(InfluxSchema.FILTER_STATS, PointMapper.filterStat(filter(true)), true);
        check(InfluxSchema.FILTER_STATS, PointMapper.filterStat(filter(false)), false);
        // a refresh: exactly the refresh fields, with the contract's types
        FilterStat f = filter(true);
        String refresh = PointMapper.filterStat(new FilterStat(f.runId(), f.layer(), f.layerIndex(), f.filter(), f.step(),
                f.epoch(), f.wallClockMillis(), f.state(), f.stateSinceStep(), f.deadByActivation(), f.deadByScale(),
                f.silent(), f.lastFiredStep(), f.windowSamples(), f.windowMaxResponse(), f.activityRate(), f.selectivity(),
                f.spatialActivity(), f.meanResponse(), f.gamma(), f.beta(), f.weightNorm(), f.gammaDominance(),
                f.betaDominance(), f.weightDominance(), f.adaptiveDecayRatio(), f.regulariserStepShare(), true));
        List<String> problems = problems(InfluxSchema.FILTER_STATS, refresh, true);
        List<String> expected = InfluxSchema.FILTER_STATS.fields().stream()
                .filter(x -> !InfluxSchema.FILTER_REFRESH_FIELDS.contains(x))
                .map(x -> "field " + x.name() + " is never written").toList();
        assertThat(problems).as(refresh).containsExactlyInAnyOrderElementsOf(expected).hasSize(9);
        assertThat(InfluxSchema.FILTER_STATS.fields()).containsAll(InfluxSchema.FILTER_REFRESH_FIELDS);
    }

    @Test
    void runStatsPointsAreTheContract() {
        check(InfluxSchema.RUN_STATS, PointMapper.runStats(new RunStats("run-1", 300, T, 3, 224, 200, 10, 14, 12, 6, 3, true)),
                true);
    }

    @Test
    void runEventsPointsAreTheContract() {
        check(InfluxSchema.RUN_EVENTS, PointMapper.runEvent(new RunEvent("run-1", RunEvent.Type.FAILED, 300, 1, T, 0.42, 0.87,
                "out of memory", Map.of())), true);
        check(InfluxSchema.RUN_EVENTS, PointMapper.runEvent(new RunEvent("run-1", RunEvent.Type.STARTED, 0, 0, T, null, null,
                null, Map.of())), false);
    }

    @Test
    void alertsPointsAreTheContract() {
        check(InfluxSchema.ALERTS, PointMapper.alert(new Alert("a-1", "run-1", "layer-dead-fraction", Alert.Severity.WARNING,
                Alert.Status.FIRING, "conv2", 300, T, "conv2: 12% dead", "details", Map.of())), true);
        Alert runLevel = new Alert("a-2", "run-1", "run-silent", Alert.Severity.CRITICAL, Alert.Status.RESOLVED, null, 300, T,
                null, null, Map.of());
        check(InfluxSchema.ALERTS, PointMapper.alert(runLevel), false);
        assertThat(LinePoint.parse(PointMapper.alert(runLevel)).tags()).containsEntry(InfluxSchema.Tags.LAYER.name(), InfluxSchema.NO_LAYER);
    }

    @Test
    void theCheckCatchesAnUnknownFieldAWrongTypeAndAMissingField() {
        String good = PointMapper.runStats(new RunStats("run-1", 300, T, 3, 224, 200, 10, 14, 12, 6, 3, true));
        assertThat(problems(InfluxSchema.RUN_STATS, good, true)).isEmpty();
        assertThat(problems(InfluxSchema.RUN_STATS, good.replace(" step=", " stepz="), true))
                .contains("field stepz is not in the contract", "field step is never written");
        assertThat(problems(InfluxSchema.RUN_STATS, good.replace("dead=14i", "dead=14.0"), true))
                .contains("field dead is FLOAT, the contract says INTEGER");
        assertThat(problems(InfluxSchema.RUN_STATS, good.replace("run_stats,run=run-1", "run_stats,run=run-1,gpu=0"), true))
                .contains("tag gpu is not in the contract");
        assertThat(problems(InfluxSchema.RUN_STATS, good.replace("run_stats,", "run_statz,"), true))
                .contains("measurement run_statz, expected run_stats");
    }

    @Test
    void theContractNamesEachKeyOnceWithOneType() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        for (Measurement m : InfluxSchema.MEASUREMENTS) {
            Set<String> keys = new TreeSet<>();
            m.tags().forEach(t -> assertThat(keys.add(t.name())).as(m.name() + " key " + t.name()).isTrue());
            for (Field f : m.fields()) {
                assertThat(keys.add(f.name())).as(m.name() + " key " + f.name()).isTrue();
                FieldType before = types.putIfAbsent(f.name(), f.type());
                assertThat(before == null || before == f.type()).as(f.name() + " has one type").isTrue();
            }
        }
        assertThat(InfluxSchema.Fields.SELECTIVITY_BINS).hasSize(LayerStat.SELECTIVITY_BINS)
                .extracting(Field::name).startsWith("sel_bin_0").endsWith("sel_bin_9");
    }

    // ---------------------------------------------------------------------------------------------

    /** All values defined, or (gamma == null) every null-able value null. */
    private static LayerStat layer(Double dominance) {
        boolean full = dominance != null;
        return new LayerStat("run-1", "conv2", 1, 300, 1, T, 2, "adam", 5e-3, 1e-3, 0.01, 64, 1000, 64, 44, 4, 12, 2,
                10, 8, 6, 0.1875, 0.15625, 0.125, List.of(40, 10, 5, 3, 2, 1, 1, 0, 0, 2),
                dominance, full ? 3.0 : null, full ? 0.5 : null, full ? 0.9 : null, full ? 40.0 : null, full ? 0.2 : null,
                0.125, 0.1, 1200L, 60_000L, 0, full ? 0.875 : null, 2, true);
    }

    private static FilterStat filter(boolean full) {
        return new FilterStat("run-1", "conv2", 1, 17, 300, 1, T, FilterState.DYING, 250, full ? Boolean.FALSE : null, false,
                false, full ? 290L : null, 1000, 0.5f, 0.3, full ? 0.7 : null, full ? 0.2 : null, 0.05, 0.01f, -0.2f, 1.5f,
                full ? 2.0 : null, full ? 1.1 : null, full ? 50.0 : null, full ? 0.3 : null, full ? 0.25 : null, false);
    }

    private static void check(Measurement m, String line, boolean everyField) {
        assertThat(problems(m, line, everyField)).as(line).isEmpty();
    }

    private static List<String> problems(Measurement m, String line, boolean everyField) {
        LinePoint p = LinePoint.parse(line);
        List<String> out = new ArrayList<>();
        if (!p.measurement().equals(m.name())) {
            out.add("measurement " + p.measurement() + ", expected " + m.name());
        }
        for (String tag : p.tags().keySet()) {
            if (m.tag(tag).isEmpty()) {
                out.add("tag " + tag + " is not in the contract");
            }
        }
        m.tags().stream().filter(t -> !p.tags().containsKey(t.name())).forEach(t -> out.add("tag " + t.name() + " is missing"));
        fieldTypes(p).forEach((name, type) -> m.field(name).ifPresentOrElse(
                f -> {
                    if (f.type() != type) {
                        out.add("field " + name + " is " + type + ", the contract says " + f.type());
                    }
                },
                () -> out.add("field " + name + " is not in the contract")));
        for (Field f : m.fields()) {
            if (!p.fields().containsKey(f.name()) && (everyField || !m.isOptional(f))) {
                out.add("field " + f.name() + " is never written");
            }
        }
        return out;
    }

    /** The field types of a written point, as the contract names them. */
    private static Map<String, FieldType> fieldTypes(LinePoint p) {
        Map<String, FieldType> types = new LinkedHashMap<>();
        p.fields().forEach((name, v) -> types.put(name, v instanceof String ? FieldType.STRING
                : v instanceof Long ? FieldType.INTEGER : v instanceof Boolean ? FieldType.BOOLEAN : FieldType.FLOAT));
        return types;
    }
}
