package io.filterwatch.probe.consume;

import java.util.ArrayList;
import java.util.List;

import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.SnapshotCodec;

/**
 * A deterministic training story per (run, layer), C = 4, N = 3 sampled rows, 640 samples per
 * snapshot (10 steps of batch 64), Adam with L2 5e-4:
 * f0 healthy; f1 stops firing from snapshot 3 on (activation test once the window is covered);
 * f2's gamma halves every snapshot under a dominating regulariser (DYING, then the scale test);
 * f3 is silent in snapshots 3..5 and fires again from 6 on (DEAD, then REVIVED).
 */
final class SnapshotStreams {
    static final int C = 4;

    private SnapshotStreams() {
    }

    static LayerSnapshot snapshot(String run, String layer, int layerIndex, int i, int rank) {
        long step = 100L * (i + 1);
        boolean f1Silent = i >= 3;
        boolean f3Silent = i >= 3 && i <= 5;
        float wiggle = 1f + 0.01f * (layerIndex + 1) + 0.003f * rank;
        float f2Gamma = (float) (0.5 * Math.pow(0.5, i));
        float[] max = {2f * wiggle, f1Silent ? 0f : 0.5f, 0.4f, f3Silent ? 0f : 0.9f};
        long[] active = {640, f1Silent ? 0 : 320, 600, f3Silent ? 0 : 100};
        double[] sum = {640.0 * wiggle, f1Silent ? 0 : 40.0, 120.0, f3Silent ? 0 : 9.0};
        float[] responses = {
            1.5f * wiggle, f1Silent ? 0f : 0.5f, 0.4f, f3Silent ? 0f : 0.9f,
            0.8f, 0f, 0.2f, 0f,
            0.0001f, f1Silent ? 0f : 0.0002f, 0.0003f, f3Silent ? 0f : 0.00001f};
        float[] fraction = {
            0.5f, f1Silent ? 0f : 0.2f, 0.3f, f3Silent ? 0f : 0.1f,
            0.6f, 0f, 0.1f, 0f,
            0.05f, f1Silent ? 0f : 0.02f, 0.05f, 0f};
        return SnapshotBuilder.layer(C).run(run).name(layer, layerIndex).rank(rank).step(step).epoch(i / 5).batch(64)
                .optimizer("adam", 1e-3, 5e-4, 0)
                .paramCount(300, 300, 300, 300).flops(10_000, 10_000, 20_000, 20_000)
                .gamma(1f * wiggle, 0.01f, f2Gamma, 0.8f).beta(0.1f, -0.5f, 0.05f, 0f).weightNorm(3f, 2f, 1f, 1f)
                .gradGamma(1e-2f, 1e-6f, 1e-7f, 1e-3f).gradBeta(1e-2f, 1e-6f, 1e-4f, 1e-3f)
                .gradWeight(1e-3f, 1e-6f, 1e-5f, 1e-4f)
                .rms(new float[] {1e-2f, 5e-6f, 1e-6f, 1e-3f}, new float[] {1e-2f, 5e-6f, 1e-4f, 1e-3f},
                        new float[] {1e-3f, 1e-6f, 1e-5f, 1e-4f})
                .samples(640).max(max).active(active).sum(sum)
                .sample(3, responses, fraction)
                .build();
    }

    /** runs x layers x steps snapshots, interleaved as a trainer would send them (step-major). */
    static List<LayerSnapshot> story(String prefix, int runs, int layers, int steps, int workers) {
        List<LayerSnapshot> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            for (int r = 0; r < runs; r++) {
                for (int l = 0; l < layers; l++) {
                    for (int w = 0; w < workers; w++) {
                        out.add(snapshot(prefix + "run" + r, "conv" + l, l, i, w));
                    }
                }
            }
        }
        return out;
    }

    static byte[] encode(LayerSnapshot s) {
        return SnapshotCodec.encode(s);
    }
}
