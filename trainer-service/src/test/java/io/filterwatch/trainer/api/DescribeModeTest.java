package io.filterwatch.trainer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** describe mode: trains nothing, prints one line per captured layer and the total, exits 0. */
@QuarkusMainTest
@TestProfile(DescribeModeTest.DescribeResNet18.class)
class DescribeModeTest {

    private static final Pattern LAYER_LINE =
            Pattern.compile("(\\S+)\\s+(\\d+)\\s+(\\d+) x (\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

    @Test
    void printsResNet18AtImageNetShapes(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();
        assertThat(result.exitCode()).isZero();
        // The in-JVM launcher shows log lines with the output (run from the jar, TrainerMain.main
        // sends them to stderr): the report is the header and the lines up to the total.
        List<String> all = result.getOutput().lines().toList();
        int header = all.indexOf(all.stream().filter(l -> l.startsWith("layer ")).findFirst().orElseThrow());
        int total = header + 1;
        while (total < all.size() && !all.get(total).startsWith("total: ")) {
            total++;
        }
        List<String> lines = all.subList(header, Math.min(total + 1, all.size()));
        List<String> layers = lines.subList(1, lines.size() - 1);
        assertThat(layers).hasSize(20).allMatch(l -> LAYER_LINE.matcher(l.trim()).matches());
        // The stem: 64 filters of 3 x 7 x 7 at 112 x 112: 64 x (147 + 2) = 9,536 parameters,
        // 64 x 147 x 112 x 112 = 118,013,952 MACs.
        assertThat(layers.get(0).trim().split("\\s+"))
                .startsWith("stem.conv", "64", "112", "x", "112", "9536", "118013952");
        // Filters: 4,800 (NetworksTest counts them by hand). Bytes, adam (second moments), N = 64,
        // strings "describe-18" + "adam" + layer name: per layer 98 + 11 + 4 + name + 68 C + 8 +
        // 8 C + 2 x 64 C = 121 + name + 204 C; over the 20 layers 20 x 121 + 290 name bytes
        // + 204 x 4,800 = 2,420 + 290 + 979,200 = 981,910.
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("total: 20 layers, 4800 filters, 981910 bytes per snapshot round");
    }

    public static class DescribeResNet18 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "filterwatch.trainer.mode", "describe",
                    "filterwatch.run.run-id", "describe-18",
                    "filterwatch.run.model", "resnet18",
                    "kafka.bootstrap.servers", "127.0.0.1:1");
        }
    }
}
