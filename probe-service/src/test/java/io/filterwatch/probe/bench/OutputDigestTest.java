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
 * <p>The value was the same at 14a7084 (the commit before #18's work began) and after #18. An
 * intended output change updates it in the same commit, with the reason. Recompute:
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
        assertThat(StateGolden.mixed()).isEqualTo("9003 records, sha256 "
                + "335b787aa18e23378ae780eef47c3e6ea9564ff368d475371e2c5a1e302efe11 "
                + "{DEAD=704, DYING=1465, REVIVED=26, filterwatch.filter-stats=7815, filterwatch.layer-stats=1188}");
    }
}
