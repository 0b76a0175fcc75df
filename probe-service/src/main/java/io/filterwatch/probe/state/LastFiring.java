package io.filterwatch.probe.state;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import io.filterwatch.probe.stats.CorpusActivity;
import io.filterwatch.probe.stats.Definitions;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.LayerSnapshot;

/**
 * The paper's activation test over the training corpus, in constant memory per filter: where in
 * the stream of training samples each filter last fired. A layer's merged snapshots cover the
 * training steps since the previous one ({@code windowStartStep..step}), so the run's training
 * samples are counted as {@code (step - windowStartStep + 1) x batch x workers} per snapshot, and
 * a filter's mark moves to the end of every snapshot in which it fired on a captured sample
 * ({@code activeCount > 0} or a max response above 1e-12). The filter is dead by the paper's test
 * when at least one epoch of training samples went by since its mark (or since the run's first
 * sample, if it never fired); before one epoch has gone by the test cannot decide.
 * docs/metrics.md, "The two dead tests".
 */
final class LastFiring {
    /** Steps whose sample position is remembered, to place a late snapshot's firings. */
    private static final int REMEMBERED_STEPS = 1024;

    private final long[] mark;
    private final long[] markStep;
    private long trainingSamples;
    private final TreeMap<Long, Long> positionAtStep = new TreeMap<>();

    LastFiring(int c) {
        mark = new long[c];
        markStep = new long[c];
        Arrays.fill(markStep, -1L);
    }

    /** A merged snapshot of {@code workers} workers, in step order. */
    void observe(LayerSnapshot merged, int workers) {
        trainingSamples += trainingSamples(merged, workers);
        long step = merged.context().step();
        fired(merged.activity(), trainingSamples, step);
        positionAtStep.put(step, trainingSamples);
        if (positionAtStep.size() > REMEMBERED_STEPS) {
            positionAtStep.pollFirstEntry();
        }
    }

    /**
     * One worker's snapshot that came after its step was merged: its training samples are counted,
     * and a filter that fired in it is marked at its step's position, if that is later than its mark.
     */
    void observeLate(LayerSnapshot late) {
        long step = late.context().step();
        trainingSamples += trainingSamples(late, 1);
        Map.Entry<Long, Long> at = positionAtStep.floorEntry(step);
        fired(late.activity(), at == null ? 0L : at.getValue(), step);
    }

    private void fired(ActivationAggregates a, long position, long step) {
        for (int f = 0; f < mark.length; f++) {
            if ((a.activeCount()[f] > 0 || a.maxResponse()[f] > Definitions.ACTIVE_RESPONSE) && position >= mark[f]) {
                mark[f] = position;
                markStep[f] = step;
            }
        }
    }

    static long trainingSamples(LayerSnapshot s, int workers) {
        long span = Math.max(1L, s.context().step() - s.activity().windowStartStep() + 1);
        return span * s.context().batchSize() * (long) workers;
    }

    /** Training samples of the run counted so far. */
    long trainingSamples() {
        return trainingSamples;
    }

    /** Whether the test can decide: one epoch (known, > 0) of training samples has gone by. */
    boolean decided(long epochSamples) {
        return epochSamples > 0 && trainingSamples >= epochSamples;
    }

    /** Dead by the paper's test: silent on every captured sample of the last epoch (false while undecided). */
    boolean dead(int f, long epochSamples) {
        return decided(epochSamples) && trainingSamples - mark[f] >= epochSamples;
    }

    /** Step of the last snapshot in which filter f fired; -1 if it never did. */
    long lastFiredStep(int f) {
        return markStep[f];
    }

    /** The test as the metrics read it, for an epoch of {@code epochSamples} training samples (0: unknown). */
    CorpusActivity view(long epochSamples) {
        return new CorpusActivity() {
            @Override
            public boolean decided() {
                return LastFiring.this.decided(epochSamples);
            }

            @Override
            public boolean dead(int f) {
                return LastFiring.this.dead(f, epochSamples);
            }

            @Override
            public long lastFiredStep(int f) {
                return markStep[f];
            }
        };
    }
}
