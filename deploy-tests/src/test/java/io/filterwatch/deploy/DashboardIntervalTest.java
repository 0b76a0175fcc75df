package io.filterwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** {@code $__interval} per panel as Grafana computes it: range / maxDataPoints, rounded, not below the min interval. */
class DashboardIntervalTest {

    static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void roundsLikeGrafana() {
        // band upper bounds are inclusive: 1,500 ms -> 1 s, 1,501 ms -> 2 s
        assertThat(DashboardQueries.roundInterval(1_500)).isEqualTo(1_000);
        assertThat(DashboardQueries.roundInterval(1_501)).isEqualTo(2_000);
        // 37.5 h / 100 = 1,350,000 ms (<= 1,500,000) -> 20 min; / 50 = 2,700,000 (<= 2,700,000) -> 30 min
        assertThat(DashboardQueries.roundInterval(135_000_000L / 100)).isEqualTo(1_200_000);
        assertThat(DashboardQueries.roundInterval(135_000_000L / 50)).isEqualTo(1_800_000);
        // 6 h / 50 = 432,000 ms (<= 450,000) -> 5 min
        assertThat(DashboardQueries.roundInterval(21_600_000L / 50)).isEqualTo(300_000);
        assertThat(DashboardQueries.roundInterval(5_000_000_000L)).isEqualTo(604_800_000L);
    }

    @Test
    void aPanelWithMaxDataPointsGetsItsOwnInterval() {
        var vars = DashboardQueries.Variables.of("r", "l", FROM, FROM.plus(Duration.ofMinutes(2_250))); // 37.5 h
        assertThat(vars.interval()).isEqualTo(Duration.ofMillis(135_000)); // range / 1000
        assertThat(vars.forPanel(null, null)).isSameAs(vars);
        assertThat(vars.forPanel(50, null).interval()).isEqualTo(Duration.ofMinutes(30));
        // the min interval wins when it is coarser, also without maxDataPoints
        assertThat(vars.forPanel(50, Duration.ofHours(1)).interval()).isEqualTo(Duration.ofHours(1));
        assertThat(vars.forPanel(null, Duration.ofMinutes(5)).interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(vars.forPanel(null, Duration.ofSeconds(10)).interval()).isEqualTo(Duration.ofMillis(135_000));
    }

    @Test
    void readsGrafanaDurations() {
        assertThat(DashboardQueries.grafanaDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DashboardQueries.grafanaDuration(">5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DashboardQueries.grafanaDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> DashboardQueries.grafanaDuration("$__auto")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The per-filter heatmaps of the layer page: 2,048 rows for the widest ResNet-50 layer, so few columns. */
    @Test
    void thePerFilterHeatmapsAskForFewColumns() {
        var heatmaps = DashboardQueries.all(RepoRoot.find()).stream()
                .filter(q -> q.name().contains("(rows: filters)")).toList();
        assertThat(heatmaps).hasSize(2).allSatisfy(q -> assertThat(q.maxDataPoints()).isEqualTo(50));
        var sixHours = DashboardQueries.Variables.of("r", "l", FROM, FROM.plus(Duration.ofHours(6)));
        assertThat(heatmaps).allSatisfy(q -> assertThat(q.substituted(sixHours)).contains("GROUP BY time(5m)"));
        // a panel without maxDataPoints keeps the dashboard-wide interval: 6 h / 1000 = 21.6 s
        var other = DashboardQueries.all(RepoRoot.find()).stream()
                .filter(q -> q.name().startsWith("Regularisation dominance")).findFirst().orElseThrow();
        assertThat(other.maxDataPoints()).isNull();
        assertThat(other.substituted(sixHours)).contains("GROUP BY time(21600ms)");
    }
}
