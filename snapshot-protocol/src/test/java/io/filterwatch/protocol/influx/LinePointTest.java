package io.filterwatch.protocol.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LinePointTest {

    @Test
    void escapedNamesTagsAndTypedFields() {
        LinePoint p = LinePoint.parse(
                "alerts,layer=conv\\ 1,run=r\\,x\\=y id=\"a \\\"q\\\", b=c\\\\d\",step=1200i,firing=1.0,ok=t,eps=1.0E-4 1780000000123");
        assertThat(p.measurement()).isEqualTo("alerts");
        assertThat(p.tags()).containsExactly(Map.entry("layer", "conv 1"), Map.entry("run", "r,x=y"));
        assertThat(p.fields()).containsExactly(Map.entry("id", "a \"q\", b=c\\d"), Map.entry("step", 1200L),
                Map.entry("firing", 1.0), Map.entry("ok", true), Map.entry("eps", 1.0e-4));
        assertThat(p.time()).isEqualTo(1_780_000_000_123L);
        assertThat(p.seriesKey()).isEqualTo(LinePoint.parse("alerts,layer=conv\\ 1,run=r\\,x\\=y step=1i 5").seriesKey())
                .isNotEqualTo(LinePoint.parse("alerts,layer=conv\\ 2,run=r\\,x\\=y step=1i 5").seriesKey());
    }

    @Test
    void malformedLinesAreRefused() {
        assertThatThrownBy(() -> LinePoint.parse("alerts step=1i")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinePoint.parse("alerts step=x 5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinePoint.parse("alerts")).isInstanceOf(IllegalArgumentException.class);
    }
}
