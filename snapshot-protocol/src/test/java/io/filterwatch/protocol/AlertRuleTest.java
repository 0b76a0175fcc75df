package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class AlertRuleTest {

    @Test
    void namesAreTheWireContract() {
        assertThat(Arrays.stream(AlertRule.values()).map(AlertRule::ruleName)).containsExactly(
                "layer-dead-fraction", "layer-dead-trend", "layer-dead", "run-dead-fraction", "at-risk", "non-finite",
                "run-silent", "run-lost");
        assertThat(AlertRule.byName("run-silent")).contains(AlertRule.RUN_SILENT);
        assertThat(AlertRule.isOwn("numeric-health")).as("the probe's rule is not the aggregator's").isFalse();
        assertThat(AlertRule.isOwn(null)).isFalse();
    }

    @Test
    void collapseRulesAreTheOnesAboutDyingFilters() {
        assertThat(AlertRule.collapseRules()).containsExactlyInAnyOrder(AlertRule.LAYER_DEAD_FRACTION, AlertRule.LAYER_DEAD_TREND,
                AlertRule.LAYER_DEAD, AlertRule.RUN_DEAD_FRACTION, AlertRule.AT_RISK);
        assertThat(AlertRule.RUN_LOST.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(AlertRule.RUN_SILENT.severity()).isEqualTo(Alert.Severity.WARNING);
    }

    @Test
    void layerWarningsAreTheWarningsAboutOneLayer() {
        assertThat(AlertRule.layerWarnings()).containsExactlyInAnyOrder(AlertRule.AT_RISK, AlertRule.LAYER_DEAD_FRACTION,
                AlertRule.LAYER_DEAD_TREND);
        assertThat(AlertRule.layerWarnings()).allSatisfy(r -> assertThat(r.severity()).isEqualTo(Alert.Severity.WARNING));
    }

    @Test
    void runIdComesBackFromASnapshotKey() {
        assertThat(Topics.runIdOfKey(Topics.snapshotKey("run-7", "layer1/block0/conv2"))).isEqualTo("run-7");
        assertThat(Topics.runIdOfKey("no-slash")).isEqualTo("no-slash");
    }
}
