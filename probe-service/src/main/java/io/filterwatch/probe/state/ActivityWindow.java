package io.filterwatch.probe.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import io.filterwatch.probe.stats.Definitions;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.QuantisedSample;
import io.filterwatch.protocol.ResponseQuantisation;

/**
 * The trailing window of one (run, layer): the minimal run of most recent merged snapshots whose
 * samples add up to at least the target, or all of them while fewer have been seen. It keeps the
 * per-snapshot aggregates (every training sample) and, up to {@code maxSampleRows} rows, the
 * sampled responses (for selectivity), and maintains the per-filter window sums.
 *
 * <p>Selectivity counts depend on the window max M_f, which moves as the window slides. A filter's
 * count is kept while its threshold stays (the newest chunk added, chunks that left taken off) and
 * recounted over every chunk when it moves, from per-chunk summaries (see {@link Chunk}): O(1) per
 * chunk and filter, not O(N). Sampled responses stay in wire form (sorted u16 codes,
 * {@link QuantisedSample}) less their zeros, which are only counted: every test on them is an integer comparison against
 * {@link ResponseQuantisation#firstCodeNotBelow}, or a comparison with a decoded code, exactly the
 * test on the decoded values.
 */
public final class ActivityWindow {
    private final int c;
    private final int maxSampleRows;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    private long totalSamples;
    private int sampleRows;
    private final double[] max;
    private final long[] active;
    private final double[] responseSum;
    private final long[] below;
    private final double[] activeFractionSum;
    private final double[] threshold;
    /** Per filter: the threshold below[f] was counted at (NaN: never), and whether it moved this time. */
    private final double[] countedAt;
    private final boolean[] moved;
    private int[] recount = new int[0];
    /** Chunks whose rows left the window (evicted or trimmed) since the last count. */
    private final List<Chunk> dropped = new ArrayList<>();

    public ActivityWindow(int filterCount, int maxSampleRows) {
        this.c = filterCount;
        this.maxSampleRows = maxSampleRows;
        this.max = new double[c];
        this.active = new long[c];
        this.responseSum = new double[c];
        this.below = new long[c];
        this.activeFractionSum = new double[c];
        this.threshold = new double[c];
        this.countedAt = new double[c];
        Arrays.fill(countedAt, Double.NaN);
        this.moved = new boolean[c];
    }

    /**
     * Adds the newest merged snapshot, then drops what falls out of the window.
     *
     * @param samples the workers' sampled responses of this step (one per worker, possibly empty)
     */
    public void add(long step, ActivationAggregates aggregates, List<QuantisedSample> samples, long targetSamples) {
        Entry newest = new Entry(step, aggregates, samples, c);
        entries.addLast(newest);
        totalSamples += aggregates.samplesSeen();
        evict(targetSamples);
        trimSamples();
        recompute(newest);
        dropped.clear();
    }

    /**
     * Places one worker's snapshot that arrived after its step was merged: folded into the entry of
     * its step (aggregates summed and maxed, rows added unless that entry's rows were already
     * trimmed), or inserted in step order when no entry has its step. Then the window is evicted
     * and trimmed as after {@link #add} and every count is made afresh (a rare path).
     *
     * @return false, and nothing changed, when the step is older than the window's oldest entry
     */
    public boolean place(long step, ActivationAggregates aggregates, QuantisedSample sample, long targetSamples) {
        if (entries.isEmpty() || step < entries.peekFirst().step) {
            return false;
        }
        ArrayDeque<Entry> placed = new ArrayDeque<>(entries.size() + 1);
        boolean done = false;
        for (Entry e : entries) {
            if (!done && e.step == step) {
                e.fold(aggregates, sample);
                done = true;
            } else if (!done && e.step > step) {
                placed.addLast(new Entry(step, aggregates, List.of(sample), c));
                done = true;
            }
            placed.addLast(e);
        }
        if (!done) {
            placed.addLast(new Entry(step, aggregates, List.of(sample), c));
        }
        entries.clear();
        entries.addAll(placed);
        totalSamples += aggregates.samplesSeen();
        evict(targetSamples);
        trimSamples();
        Arrays.fill(countedAt, Double.NaN); // every filter recounted: no per-chunk bookkeeping to trust
        recompute(entries.peekLast());
        dropped.clear();
        return true;
    }

    /** Step of the oldest entry; Long.MIN_VALUE when empty. */
    public long oldestStep() {
        return entries.isEmpty() ? Long.MIN_VALUE : entries.peekFirst().step;
    }

    private void evict(long targetSamples) {
        while (entries.size() > 1 && totalSamples - entries.peekFirst().samples >= targetSamples) {
            Entry gone = entries.removeFirst();
            totalSamples -= gone.samples;
            gone.dropSample(dropped);
        }
    }

    /** Keeps sampled rows of the newest entries only, up to maxSampleRows (the newest always). */
    private void trimSamples() {
        int kept = 0;
        Iterator<Entry> newestFirst = entries.descendingIterator();
        boolean newest = true;
        while (newestFirst.hasNext()) {
            Entry e = newestFirst.next();
            if (e.rows == 0) {
                newest = false;
                continue;
            }
            if (!newest && kept + e.rows > maxSampleRows) {
                e.dropSample(dropped);
            } else {
                kept += e.rows;
            }
            newest = false;
        }
    }

    private void recompute(Entry newest) {
        Arrays.fill(max, 0.0);
        Arrays.fill(active, 0L);
        Arrays.fill(responseSum, 0.0);
        Arrays.fill(activeFractionSum, 0.0);
        sampleRows = 0;
        for (Entry e : entries) {
            for (int f = 0; f < c; f++) {
                max[f] = Math.max(max[f], Math.max(e.max[f], e.sampledMax[f]));
                active[f] += e.active[f];
                responseSum[f] += e.responseSum[f];
            }
            if (e.rows > 0) {
                sampleRows += e.rows;
                for (int f = 0; f < c; f++) {
                    activeFractionSum[f] += e.activeFractionSum[f];
                }
            }
        }
        for (int f = 0; f < c; f++) {
            threshold[f] = Definitions.selectivityThreshold(max[f]);
        }
        countBelowThresholds(newest);
    }

    /**
     * below[f], kept from the last snapshot while M_f, hence the threshold, stays put (most filters,
     * most snapshots): the newest chunks' counts are added and those of the chunks that left are
     * taken off. Only filters whose threshold moved are recounted over every chunk. Integer counts,
     * so the result is the full recount's, exactly.
     */
    private void countBelowThresholds(Entry newest) {
        int k = 0;
        for (int f = 0; f < c; f++) {
            // != is also true for NaN (first count, or a non-finite max): such a filter is recounted
            moved[f] = threshold[f] != countedAt[f];
            if (moved[f]) {
                if (k == recount.length) {
                    recount = Arrays.copyOf(recount, Math.max(64, 2 * k));
                }
                recount[k++] = f;
                below[f] = 0;
                countedAt[f] = threshold[f];
            }
        }
        for (Chunk gone : dropped) {
            for (int f = 0; f < c; f++) {
                if (!moved[f]) {
                    below[f] -= gone.countBelow(f, threshold[f]);
                }
            }
        }
        if (newest.rows > 0) {
            for (Chunk chunk : newest.chunks) {
                for (int f = 0; f < c; f++) {
                    if (!moved[f]) {
                        below[f] += chunk.countBelow(f, threshold[f]);
                    }
                }
            }
        }
        for (Entry e : entries) {
            if (e.rows > 0) {
                for (Chunk chunk : e.chunks) {
                    for (int j = 0; j < k; j++) {
                        int f = recount[j];
                        below[f] += chunk.countBelow(f, threshold[f]);
                    }
                }
            }
        }
    }

    public int filterCount() {
        return c;
    }

    /** Training samples covered by the window. */
    public long totalSamples() {
        return totalSamples;
    }

    /** Sampled response rows in the window (after the memory bound). */
    public int sampleRows() {
        return sampleRows;
    }

    public int snapshots() {
        return entries.size();
    }

    /** M_f: max over the window of the aggregates' max response (and of the sampled responses). */
    public double max(int f) {
        return max[f];
    }

    public long activeCount(int f) {
        return active[f];
    }

    public double responseSum(int f) {
        return responseSum[f];
    }

    /** Sampled rows with r(n,f) < 1e-3 M_f. */
    public long belowCount(int f) {
        return below[f];
    }

    /** Sum over the sampled rows of the fraction of spatial positions active (the workers' per-filter sums, added). */
    public double activeFractionSum(int f) {
        return activeFractionSum[f];
    }

    /** The newest snapshot's activity rate of f (activeCount / samplesSeen), NaN if it saw no sample. */
    public double latestActivity(int f) {
        Entry e = entries.peekLast();
        return e == null || e.samples == 0 ? Double.NaN : (double) e.active[f] / e.samples;
    }

    /** One merged snapshot in the window: its aggregates and, until trimmed, its workers' sampled rows. */
    private static final class Entry {
        final long step;
        long samples;
        float[] max;
        long[] active;
        double[] responseSum;
        final int c;
        int rows;
        /** The rows were dropped (evicted or over the budget): rows folded in later are dropped too. */
        boolean trimmed;
        /** Max of the sampled responses (the workers' scales); kept when the rows are dropped. */
        final float[] sampledMax;
        double[] activeFractionSum;
        Chunk[] chunks;

        Entry(long step, ActivationAggregates a, List<QuantisedSample> samples, int c) {
            this.step = step;
            this.samples = a.samplesSeen();
            this.max = a.maxResponse();
            this.active = a.activeCount();
            this.responseSum = a.responseSum();
            this.c = c;
            this.sampledMax = new float[c];
            for (QuantisedSample s : samples) {
                rows += s.sampleCount();
                for (int f = 0; f < c; f++) {
                    sampledMax[f] = Math.max(sampledMax[f], s.scales()[f]); // S_f decodes exactly to itself
                }
            }
            if (rows > 0) {
                activeFractionSum = new double[c];
                chunks = new Chunk[samples.size()];
                for (int i = 0; i < chunks.length; i++) {
                    QuantisedSample s = samples.get(i);
                    chunks[i] = new Chunk(s);
                    for (int f = 0; f < c; f++) {
                        activeFractionSum[f] += s.activeFractionSums()[f];
                    }
                }
            }
        }

        /** Adds a late worker's aggregates and, unless this entry's rows were trimmed, its rows. */
        void fold(ActivationAggregates a, QuantisedSample s) {
            samples += a.samplesSeen();
            max = max.clone();
            active = active.clone();
            responseSum = responseSum.clone();
            for (int f = 0; f < c; f++) {
                max[f] = Math.max(max[f], a.maxResponse()[f]);
                active[f] += a.activeCount()[f];
                responseSum[f] += a.responseSum()[f];
                sampledMax[f] = Math.max(sampledMax[f], s.scales()[f]);
            }
            if (trimmed || s.sampleCount() == 0) {
                return;
            }
            rows += s.sampleCount();
            if (activeFractionSum == null) {
                activeFractionSum = new double[c];
                chunks = new Chunk[0];
            }
            for (int f = 0; f < c; f++) {
                activeFractionSum[f] += s.activeFractionSums()[f];
            }
            chunks = Arrays.copyOf(chunks, chunks.length + 1);
            chunks[chunks.length - 1] = new Chunk(s);
        }

        /** Drops the rows; their chunks go to {@code into}, to be taken off the counts. */
        void dropSample(List<Chunk> into) {
            if (chunks != null) {
                into.addAll(Arrays.asList(chunks));
            }
            trimmed = true;
            rows = 0;
            activeFractionSum = null;
            chunks = null;
            // sampledMax stays: it is part of M_f, which must not jump when rows are trimmed
        }
    }

    /**
     * One worker's sampled rows of an entry: per filter its zero count and its non-zero codes, sorted
     * as they came ({@link QuantisedSample}). Zero codes (r <= 1e-12) are only counted, not kept: they
     * are below every positive threshold, and a selective filter's sample is mostly zeros, a dead
     * filter's all zeros. A ReLU filter's non-zero responses are mostly far above 1e-3 of its max,
     * so for almost every threshold the count below it is just the zero count: a threshold at or
     * below the decoded value of the filter's smallest non-zero code has exactly the zeros below it.
     * Above that value the sorted codes are walked up a few, or searched for
     * {@link ResponseQuantisation#firstCodeNotBelow}. Exact: every case counts decoded values below t.
     */
    private static final class Chunk {
        /** Codes walked past the smallest non-zero one before a slow count turns to binary search. */
        private static final int WALK = 8;
        final float[] scales;
        /** Every filter's non-zero codes, filter after filter, each filter's sorted. */
        final char[] active;
        /** Filter f's non-zero codes are active[start[f] .. start[f + 1]). */
        final int[] start;
        /** Per filter: rows with code 0 (r <= 1e-12), below every positive threshold. */
        final int[] zeros;
        /** Per filter: the decoded value of its smallest non-zero code; +inf when it has none. */
        final double[] smallestActive;

        Chunk(QuantisedSample s) {
            int c = s.filterCount();
            int n = s.sampleCount();
            char[] codes = s.codes();
            scales = s.scales();
            zeros = new int[c];
            start = new int[c + 1];
            smallestActive = new double[c];
            int kept = 0;
            for (int f = 0, from = 0; f < c; f++, from += n) {
                zeros[f] = ResponseQuantisation.zeroCount(codes, from, n);
                kept += n - zeros[f];
            }
            active = new char[kept];
            for (int f = 0, from = 0, to = 0; f < c; f++, from += n) {
                int len = n - zeros[f];
                System.arraycopy(codes, from + zeros[f], active, to, len);
                start[f] = to;
                to += len;
                start[f + 1] = to;
                smallestActive[f] = len == 0
                        ? Double.POSITIVE_INFINITY : ResponseQuantisation.decodedValue(scales[f], active[start[f]]);
            }
        }

        /** This chunk's rows of filter f whose decoded response is below t. */
        int countBelow(int f, double t) {
            if (!(t > 0.0)) {
                return 0; // nothing is below 0
            }
            return t <= smallestActive[f] ? zeros[f] : zeros[f] + countActiveBelow(f, t);
        }

        /**
         * The slow case: t above the smallest non-zero response. Then usually only a few more are
         * below t (1e-3 of the max), so the codes are walked up from there, a few at most; a longer
         * run of small responses is counted by binary search instead.
         */
        private int countActiveBelow(int f, double t) {
            int from = start[f];
            int end = start[f + 1];
            int i = from + 1; // active[from] is the smallest non-zero code, below t
            for (int stop = Math.min(end, i + WALK); i < stop; i++) {
                if (!(ResponseQuantisation.decodedValue(scales[f], active[i]) < t)) {
                    return i - from;
                }
            }
            return i == end ? end - from
                    : ResponseQuantisation.countBelow(active, from, end - from, ResponseQuantisation.firstCodeNotBelow(scales[f], t));
        }
    }
}
