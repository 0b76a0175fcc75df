package io.filterwatch.probe.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.FilterGradients;
import io.filterwatch.protocol.LayerSnapshot;
import io.filterwatch.protocol.QuantisedSample;

/**
 * Merges the snapshots that the workers of one data-parallel run send for one layer at one step.
 * A step is complete when ranks 0..W-1 have arrived (W = the configured worker count, or else
 * the largest worker count seen in a completed step), or when a snapshot of a newer step shows
 * up. While W is unknown (the layer's first step) only the newer-step rule applies. Everything
 * depends on the order of the partition only, never on time, so a replay merges identically.
 */
public final class WorkerMerge {
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
     * What an arrival produced: merged steps ready for the metrics (0..2), or a rejection reason
     * (late or conflicting snapshot, to the DLQ), or a silently dropped exact duplicate.
     */
    public record Result(List<Merged> ready, String rejection, boolean duplicate) {
        static Result of(List<Merged> ready) {
            return new Result(ready, null, false);
        }
    }

    private final int configuredWorkers;
    private int learnedWorkers;
    private long pendingStep = Long.MIN_VALUE;
    private final TreeMap<Integer, LayerSnapshot> pending = new TreeMap<>();
    private long lastMergedStep = Long.MIN_VALUE;
    private java.util.Set<Integer> lastMergedRanks = java.util.Set.of();
    /** The merged snapshots' sample, made once (C floats per snapshot otherwise): it is empty and never written. */
    private QuantisedSample emptySample = QuantisedSample.empty(0);

    public WorkerMerge(int configuredWorkers) {
        this.configuredWorkers = configuredWorkers;
    }

    public Result offer(LayerSnapshot s) {
        long step = s.context().step();
        int rank = s.context().workerRank();
        if (step < lastMergedStep || (!pending.isEmpty() && step < pendingStep)) {
            return new Result(List.of(), "stale snapshot: step " + step + " of worker " + rank
                    + " arrived after step " + Math.max(lastMergedStep, pending.isEmpty() ? lastMergedStep : pendingStep)
                    + " was seen", false);
        }
        if (step == lastMergedStep) {
            if (!lastMergedRanks.contains(rank)) {
                // the step was merged too early: wait for this rank from now on
                learnedWorkers = Math.max(learnedWorkers, rank + 1);
            }
            return lastMergedRanks.contains(rank)
                    ? new Result(List.of(), null, true)
                    : new Result(List.of(), "late worker: step " + step + " of worker " + rank
                    + " arrived after the step was merged without it", false);
        }
        List<Merged> ready = new ArrayList<>(2);
        if (!pending.isEmpty() && step > pendingStep) {
            ready.add(flush());
        }
        if (!pending.isEmpty() && pending.containsKey(rank)) {
            return new Result(ready, null, true);
        }
        pendingStep = step;
        pending.put(rank, s);
        int expected = expectedWorkers();
        if (expected > 0 && pending.size() >= expected) {
            ready.add(flush());
        }
        return Result.of(ready);
    }

    /** Workers the merge waits for; 0 while unknown. */
    public int expectedWorkers() {
        return Math.max(configuredWorkers, learnedWorkers);
    }

    /** True when a step waits for more workers. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    private Merged flush() {
        List<LayerSnapshot> byRank = new ArrayList<>(pending.values());
        learnedWorkers = Math.max(learnedWorkers, pending.lastKey() + 1);
        lastMergedStep = pendingStep;
        lastMergedRanks = java.util.Set.copyOf(pending.keySet());
        pending.clear();
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

    /** Snapshots waiting, by rank (for tests and the status endpoint). */
    Map<Integer, LayerSnapshot> pending() {
        return pending;
    }
}
