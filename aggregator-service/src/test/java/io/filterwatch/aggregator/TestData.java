package io.filterwatch.aggregator;

import java.util.List;
import java.util.Map;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.FilterStat;
import io.filterwatch.protocol.FilterState;
import io.filterwatch.protocol.LayerStat;
import io.filterwatch.protocol.RunEvent;

/** Fixed, hand-made protocol records for the tests. Time = T0 + step ms so that every step has its own timestamp. */
public final class TestData {
    public static final long T0 = 1_760_000_000_000L;

    private TestData() {
    }

    public static long time(long step) {
        return T0 + step * 1000;
    }

    /** A layer summary with {@code dead} dead filters (all by activation) and {@code dying} dying ones. */
    public static LayerStat layer(String run, String layer, int index, long step, int filters, int dead, int dying,
                                  String optimizer, Double gammaDominance, int nonFinite) {
        int alive = filters - dead - dying;
        return new LayerStat(run, layer, index, step, (int) (step / 1000), time(step), 1, optimizer, 5e-3, 1e-3, 0.0, 64,
                1000, filters, alive, dying, dead, 0, dead, dead / 2, dead / 2, (double) dead / filters,
                (double) dead / filters, (double) (dead / 2) / filters,
                List.of(filters - dead, 0, 0, 0, 0, 0, 0, 0, 0, dead),
                gammaDominance, gammaDominance == null ? null : gammaDominance * 2, 0.5, 0.9, 40.0, null,
                (double) dead / filters, (double) dead / filters, dead * 1000L, dead * 50_000L, nonFinite, null, 0, true);
    }

    public static LayerStat layer(String run, String layer, int index, long step, int filters, int dead) {
        return layer(run, layer, index, step, filters, dead, 0, "adam", 0.5, 0);
    }

    /** gamma and beta travel as floats (the trainer's values), so they are rounded to float here, as the probe's are. */
    public static FilterStat filter(String run, String layer, int index, int filter, long step, FilterState state,
                                    boolean deadByActivation, double gamma, double beta) {
        float g = (float) gamma;
        return new FilterStat(run, layer, index, filter, step, (int) (step / 1000), time(step), state, step,
                deadByActivation, Math.abs(g) < 1e-3, deadByActivation, deadByActivation ? null : step, 1000,
                deadByActivation ? 0f : 1f, deadByActivation ? 0.0 : 0.8,
                deadByActivation ? 1.0 : 0.2, deadByActivation ? null : 0.4, deadByActivation ? 0.0 : 0.3, g, (float) beta, 1.5f,
                2.0, 1.1, 50.0, null, null, false);
    }

    public static RunEvent event(String run, RunEvent.Type type, long step, Double loss, Double accuracy) {
        return new RunEvent(run, type, step, 0, time(step) + 1, loss, accuracy, type == RunEvent.Type.STARTED ? "started" : null,
                Map.of("optimizer", "adam"));
    }

    public static Alert probeAlert(String run, String layer, long step, Alert.Status status) {
        return new Alert("probe-" + run + "-" + layer, run, "numeric-health", Alert.Severity.CRITICAL, status, layer, step,
                time(step) + 2, "NaN in layer " + layer, "gradients contain NaN", Map.of());
    }
}
