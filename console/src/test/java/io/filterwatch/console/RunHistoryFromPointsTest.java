package io.filterwatch.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.filterwatch.aggregator.sink.PointMapper;
import io.filterwatch.console.InfluxQueries.Row;
import io.filterwatch.protocol.influx.LinePoint;
import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.RunEvent;

/** The aggregator's points (read with the protocol's {@link LinePoint}) read back as the rows InfluxDB would return, and a run's history built from them. */
class RunHistoryFromPointsTest {

    static final String NASTY = "a \"quoted\", spaced=text\\ with a backslash";

    @Test
    void pointsReadBackWithTheirTagsFieldsAndTime() {
        String line = PointMapper.alert(new Alert("id 1", "run,x=y", "layer-dead-fraction", Alert.Severity.WARNING,
                Alert.Status.FIRING, "conv 1", 1200, 1_780_000_000_123L, NASTY, "d", Map.of()));
        assertThat(LinePoint.parse(line).measurement()).isEqualTo("alerts");
        Row p = RunHistory.fromPoints("run,x=y", List.of(line)).alerts.get(0);
        assertThat(p.str("run")).isEqualTo("run,x=y");
        assertThat(p.str("layer")).isEqualTo("conv 1");
        assertThat(p.str("summary")).isEqualTo(NASTY);
        assertThat(p.str("id")).isEqualTo("id 1");
        assertThat(p.lng("step")).isEqualTo(1200);
        assertThat(p.num("firing")).isEqualTo(1.0);
        assertThat(p.time()).isEqualTo(1_780_000_000_123L);
    }

    @Test
    void aRunsHistoryKeepsTheLastPointPerSeriesAndTimeAsInfluxDbDoes() {
        String started = PointMapper.runEvent(new RunEvent("r", RunEvent.Type.STARTED, 0, 0, 1000, null, null, "started", null));
        String epoch = PointMapper.runEvent(new RunEvent("r", RunEvent.Type.EPOCH_END, 938, 0, 2000, 0.51, 0.8, null, null));
        String epochAgain = PointMapper.runEvent(new RunEvent("r", RunEvent.Type.EPOCH_END, 938, 0, 2000, 0.5, 0.81, null, null));
        String other = PointMapper.runEvent(new RunEvent("other", RunEvent.Type.STARTED, 0, 0, 1500, null, null, "started", null));
        RunHistory h = RunHistory.fromPoints("r", List.of(epoch, started, other, epochAgain));
        assertThat(h.events).extracting(e -> e.str("type")).containsExactly("STARTED", "EPOCH_END");
        assertThat(h.events.get(1).num("loss")).isEqualTo(0.5);
        assertThat(h.status()).isEqualTo("RUNNING");
        assertThat(h.layerHistory).isEmpty();
    }
}
