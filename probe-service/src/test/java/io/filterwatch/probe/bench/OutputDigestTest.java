package io.filterwatch.probe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The probe's outputs on a fixed generated input stay byte for byte what they were: refactors of the
 * probe (issue #18 and later) must not change a record. The input is {@link StateGolden}'s "mixed"
 * scenario (C = 64: a ring twice round, filters dying and reviving, two workers with a duplicate and
 * an older step, quarantined snapshots, an SGD run); the digest covers every output record's topic,
 * key, timestamp, headers and value.
 *
 * <p>The value was the same at 14a7084 (the commit before #18's work began) and after #18 (9,003 records,
 * 335b787a...). The rolling refresh (#15) changed it on purpose: which FilterStats are sent between full
 * refreshes (9,060 records now), while the LayerStat records, digested on their own, stayed byte for byte
 * the same (050c6e72...). The refresh flag (#15, refreshes write 13 fields) changed it again on purpose: a
 * refresh is flagged only when nothing moved, and moves only the baseline of the values it writes, so drifts
 * of the others reach a full FilterStat (9,146 records, 86 more FilterStats); the LayerStats stayed the same.
 * An intended output change updates it in the same commit, with the reason. Recompute:
 * <pre>
 * ./mvnw -B -q -pl probe-service -am test-compile
 * ./mvnw -B -q -pl probe-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp probe-service/target/test-classes:probe-service/target/classes:snapshot-protocol/target/classes:$(cat /tmp/cp.txt) \
 *     io.filterwatch.probe.bench.StateGolden
 * </pre>
 * (docs/benchmarks.md, "Probe output digest").
 */
class OutputDigestTest {

    @Test
    void mixedScenarioOutputsAreUnchanged() throws Exception {
        assertThat(StateGolden.mixed()).isEqualTo("9146 records, sha256 "
                + "24f2962532c1f9926cc6dd2779d8014ba7ba5bfe33cd403ce8b7fa7e30520df6 "
                + "{DEAD=701, DYING=1477, REVIVED=17, filterwatch.filter-stats=7958, filterwatch.layer-stats=1188}, "
                + "layer-stats sha256 050c6e72f132a4a9e29048c0c66262c4936e479610e72ecb1a458f1f4816646a");
    }
}
