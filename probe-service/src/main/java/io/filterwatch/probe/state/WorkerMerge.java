package io.filterwatch.probe.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.QuantisedSample;

/**
 * Merges the snapshots that the workers of one data-parallel run send for one layer at one step,
 * and puts steps back in order. Snapshots wait in a reorder buffer keyed by step. The oldest
 * waiting step is merged when it is <em>due</em>: every expected worker's snapshot is there (W =
 * the configured worker count, else the highest rank seen + 1) and it follows the last merged step
 * by at most the last interval between merged steps (else an older step may still be on its way).
 * A step that is not due is merged anyway once more than D = {@code mergeDepth} steps wait, with
 * the snapshots present: the wait is bounded, and counted in steps, not time. So a snapshot
 * overtaken by up to D newer steps (a slow worker, a retried send) is merged exactly as if it had
 * come in order. Until the first step is merged W is not trusted unless configured (the lagging
 * worker may not have shown up yet) and only the D rule applies.
 *
 * <p>A snapshot for a step already merged (a worker more than D steps behind) is not dropped: it
 * comes back as {@link Result#late} for the layer to fold into its window. An exact repeat of a
 * (step, rank) already seen is a duplicate. Everything depends on the order of the partition
 * only, never on time, so a replay merges identically.
 */
public final class WorkerMerge {
    /** Merged steps whose ranks are remembered, to tell a late worker from a repeat. */
    static final int REMEMBERED_STEPS = 1024;

    /**
     * A merged step: the snapshot (its own sample left empty), how many workers it combines, and
     * the workers' samples in rank order, in wire form. Samples are not concatenated into one
     * because each worker quantised its own against its own per-filter scales.
     */
    public record Merged(LayerSnapshot snapshot, int workers, List<QuantisedSample> samples) {
        /** Sampled responses that were non-finite in the trainers (sent as 0). */
        public int sampledNonFinite() {
            int n = 0;
            for (QuantisedSample s : samples) {
                n += s.nonFiniteCount();
            }
            return n;
        }
    }

    /**
     * What an arrival produced: merged steps ready for the metrics, in step order (0 or more); a
     * snapshot that came after its step was merged ({@code late}, to be folded in); or a silently
     * dropped exact duplicate.
     */
    public record Result(List<Merged> ready, LayerSnapshot late, boolean duplicate) {
        static final Result NOTHING = new Result(List.of(), null, false);
        static final Result DUPLICATE = new Result(List.of(), null, true);
    }

    private final int configuredWorkers;
    private final int depth;
    private int seenWorkers;
    private boolean mergedAny;
    private final TreeMap<Long, TreeMap<Integer, LayerSnapshot>> waiting = new TreeMap<>();
    private long lastMergedStep = Long.MIN_VALUE;
    /** Steps between the last two merged steps; 0 while fewer than two were merged. */
    private long lastInterval;
    private final TreeMap<Long, Set<Integer>> mergedRanks = new TreeMap<>();
    /** The merged snapshots' sample, made once (C floats per snapshot otherwise): it is empty and never written. */
    private QuantisedSample emptySample = QuantisedSample.empty(0);

    public WorkerMerge(int configuredWorkers, int depth) {
        this.configuredWorkers = configuredWorkers;
        this.depth = depth;
    }

    public Result offer(LayerSnapshot s) {
        long step = s.context().step();
        int rank = s.context().workerRank();
        seenWorkers = Math.max(seenWorkers, rank + 1);
        if (step <= lastMergedStep) {
            Set<Integer> ranks = mergedRanks.get(step);
            if (ranks != null && ranks.contains(rank)) {
                return Result.DUPLICATE;
            }
            if (ranks != null) {
                ranks.add(rank);
            } else {
                remember(step, rank);
            }
            return new Result(List.of(), s, false);
        }
        TreeMap<Integer, LayerSnapshot> ranks = waiting.computeIfAbsent(step, k -> new TreeMap<>());
        if (ranks.putIfAbsent(rank, s) != null) {
            return Result.DUPLICATE;
        }
        List<Merged> ready = new ArrayList<>(1);
        while (!waiting.isEmpty()) {
            Map.Entry<Long, TreeMap<Integer, LayerSnapshot>> oldest = waiting.firstEntry();
            if (!due(oldest.getKey(), oldest.getValue().size()) && waiting.size() <= depth) {
                break;
            }
            waiting.pollFirstEntry();
            ready.add(flush(oldest.getKey(), oldest.getValue()));
        }
        return ready.isEmpty() ? Result.NOTHING : new Result(ready, null, false);
    }

    /** All expected workers are there, and no step is missing before it as far as the interval tells. */
    private boolean due(long step, int workers) {
        if (!mergedAny && configuredWorkers == 0) {
            return false;
        }
        if (workers < expectedWorkers()) {
            return false;
        }
        return lastInterval <= 0 || step - lastMergedStep <= lastInterval;
    }

    /** Workers a step waits for: the configured count, else the highest rank seen + 1. */
    public int expectedWorkers() {
        return Math.max(configuredWorkers, seenWorkers);
    }

    /** True when a step waits for more workers. */
    public boolean hasPending() {
        return !waiting.isEmpty();
    }

    private void remember(long step, int rank) {
        Set<Integer> ranks = new HashSet<>();
        ranks.add(rank);
        mergedRanks.put(step, ranks);
        if (mergedRanks.size() > REMEMBERED_STEPS) {
            mergedRanks.pollFirstEntry();
        }
    }

    private Merged flush(long step, TreeMap<Integer, LayerSnapshot> byRankMap) {
        List<LayerSnapshot> byRank = new ArrayList<>(byRankMap.values());
        if (mergedAny) {
            lastInterval = step - lastMergedStep;
        }
        mergedAny = true;
        lastMergedStep = step;
        mergedRanks.put(step, new HashSet<>(byRankMap.keySet()));
        if (mergedRanks.size() > REMEMBERED_STEPS) {
            mergedRanks.pollFirstEntry();
        }
        int c = byRank.get(0).filterCount();
        List<QuantisedSample> samples = new ArrayList<>(byRank.size());
        for (LayerSnapshot s : byRank) {
            samples.add(s.sample().quantised(c));
        }
        if (emptySample.filterCount() != c) {
            emptySample = QuantisedSample.empty(c);
        }
        return new Merged(merge(byRank, emptySample), byRank.size(), List.copyOf(samples));
    }

    /**
     * The merge rules (docs/metrics.md): context, layer, parameters and second moments from the
     * lowest rank (rank 0: parameters and optimizer state are replicated); loss gradients of
     * gamma and beta averaged (the all-reduced gradient); gradient norms averaged (an upper bound
     * of the norm of the averaged gradient); samples and active counts and response sums summed;
     * max responses maxed. The merged snapshot's sample is empty: the workers' samples travel
     * beside it ({@link Merged#samples}); {@code emptySample} is that empty sample.
     */
    static LayerSnapshot merge(List<LayerSnapshot> byRank, QuantisedSample emptySample) {
        LayerSnapshot first = byRank.get(0);
        int c = first.filterCount();
        if (byRank.size() == 1) {
            return new LayerSnapshot(first.context(), first.layer(), first.params(), first.gradients(),
                    first.activity(), emptySample);
        }
        int w = byRank.size();
        float[] gradGamma = new float[c];
        float[] gradBeta = new float[c];
        float[] gradWeight = new float[c];
        long windowStart = Long.MAX_VALUE;
        long samples = 0;
        float[] max = new float[c];
        long[] active = new long[c];
        double[] sum = new double[c];
        double[] gg = new double[c], gb = new double[c], gw = new double[c];
        for (LayerSnapshot s : byRank) {
            FilterGradients g = s.gradients();
            ActivationAggregates a = s.activity();
            windowStart = Math.min(windowStart, a.windowStartStep());
            samples += a.samplesSeen();
            for (int f = 0; f < c; f++) {
                gg[f] += g.gradGamma()[f];
                gb[f] += g.gradBeta()[f];
                gw[f] += g.gradWeightNorm()[f];
                max[f] = Math.max(max[f], a.maxResponse()[f]);
                active[f] += a.activeCount()[f];
                sum[f] += a.responseSum()[f];
            }
        }
        for (int f = 0; f < c; f++) {
            gradGamma[f] = (float) (gg[f] / w);
            gradBeta[f] = (float) (gb[f] / w);
            gradWeight[f] = (float) (gw[f] / w);
        }
        FilterGradients g0 = first.gradients();
        return new LayerSnapshot(first.context(), first.layer(), first.params(),
                new FilterGradients(gradGamma, gradBeta, gradWeight, g0.rmsGamma(), g0.rmsBeta(), g0.rmsWeight()),
                new ActivationAggregates(windowStart, samples, max, active, sum),
                emptySample);
    }

    /** Snapshots waiting, by step and rank (for tests). */
    Map<Long, ? extends Map<Integer, LayerSnapshot>> waiting() {
        return waiting;
    }
}
