package io.filterwatch.trainer.bench;


import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.testing.Prerequisites;
import io.filterwatch.trainer.config.OptimizerKind;
import io.filterwatch.trainer.config.RunConfig;
import io.filterwatch.trainer.data.DatasetKind;
import io.filterwatch.trainer.data.FashionMnist;
import io.filterwatch.trainer.model.ModelKind;
import io.filterwatch.trainer.train.RunObserver;
import io.filterwatch.trainer.train.RunProgress;
import io.filterwatch.trainer.train.RunResult;
import io.filterwatch.trainer.train.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The paper's effect on real data: Fashion-MNIST, small BasicNet, batch 64, ~3000 steps; Adam
 * with L2 against SGD with the same L2 and against no regularisation. Dead = no activity on
 * any training sample of the last snapshot window (100 steps = 6,400 samples).
 * Minutes per setting: {@code -Dtrainer.excludedGroups= -Dgroups=experiment}.
 */
@Tag("experiment")
class DeadFilterExperimentTest {

    @Test
    void deadFiltersPerLayer() throws Exception {
        Prerequisites.require(Files.isDirectory(Path.of(FashionMnist.DEFAULT_PATH)),
                "dataset-fashion-mnist is not installed: apt-get install dataset-fashion-mnist");
        long steps = Long.getLong("experiment.steps", 3000);
        String only = System.getProperty("experiment.only", "");
        StringBuilder md = new StringBuilder();
        md.append("| setting | dead per layer (conv1..conv5) | dead total | |gamma| < 1e-3 | first dead at step | final loss / batch accuracy | time |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        Object[][] settings = {
                {"Adam lr 5e-3, L2 1e-3", OptimizerKind.ADAM, 5e-3, 1e-3},
                {"SGD lr 0.1 (no momentum), L2 1e-3", OptimizerKind.SGD, 0.1, 1e-3},
                {"Adam lr 5e-3, no regularisation", OptimizerKind.ADAM, 5e-3, 0.0},
        };
        for (Object[] s : settings) {
            if (!only.isEmpty() && !((String) s[0]).toLowerCase().contains(only.toLowerCase())) {
                continue;
            }
            md.append(run((String) s[0], (OptimizerKind) s[1], (double) s[2], (double) s[3], steps)).append('\n');
            System.out.println(md);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/experiment-trainer.md"), md.toString());
        }
    }

    private static String run(String name, OptimizerKind optimizer, double lr, double l2, long steps) throws Exception {
        RunConfig c = new RunConfig("exp-" + optimizer.wireName() + "-" + l2, ModelKind.SMALL_BASIC_NET, null,
                DatasetKind.FASHION_MNIST, null, null, null, null, optimizer, lr, 0.0, l2, 0.0, null, null, null, 64,
                10, steps, 1L, true, 100, 1, 64, null, null, 30);
        Map<String, LayerSnapshot> last = new HashMap<>();
        long[] firstDead = {-1};
        long start = System.nanoTime();
        RunResult r = new TrainingSession(c, new RunObserver() {
            @Override
            public void snapshots(List<LayerSnapshot> snapshots) {
                for (LayerSnapshot s : snapshots) {
                    last.put(s.layer().name(), s);
                    for (long a : s.activity().activeCount()) {
                        if (a == 0 && firstDead[0] < 0) {
                            firstDead[0] = s.context().step();
                        }
                    }
                }
            }

            @Override
            public void stepDone(RunProgress p, long stepNanos, long captureNanos) {
                if (p.step() % 500 == 0) {
                    StringBuilder dead = new StringBuilder();
                    for (int i = 1; i <= 5 && last.containsKey("conv" + i); i++) {
                        long d = java.util.Arrays.stream(last.get("conv" + i).activity().activeCount())
                                .filter(a -> a == 0).count();
                        dead.append(i > 1 ? "/" : "").append(d);
                    }
                    System.out.printf("%s step %d loss %.3f acc %.3f %.1f steps/s dead %s first dead %d%n", name,
                            p.step(), p.lastLoss(), p.epochAccuracy(), p.stepsPerSecond(), dead, firstDead[0]);
                }
            }
        }).run();
        StringBuilder perLayer = new StringBuilder();
        int total = 0;
        int smallGamma = 0;
        int filters = 0;
        for (int i = 1; i <= 5; i++) {
            LayerSnapshot s = last.get("conv" + i);
            int dead = 0;
            for (int f = 0; f < s.filterCount(); f++) {
                dead += s.activity().activeCount()[f] == 0 ? 1 : 0;
                smallGamma += Math.abs(s.params().gamma()[f]) < 1e-3 ? 1 : 0;
            }
            filters += s.filterCount();
            total += dead;
            perLayer.append(i > 1 ? " / " : "").append(dead).append(" of ").append(s.filterCount());
        }
        return String.format("| %s | %s | %d of %d | %d | %s | %.3f / %.3f | %.0f s |", name, perLayer, total, filters,
                smallGamma, firstDead[0] < 0 ? "never" : Long.toString(firstDead[0]), r.lastLoss(), r.lastAccuracy(),
                (System.nanoTime() - start) / 1e9);
    }
}
