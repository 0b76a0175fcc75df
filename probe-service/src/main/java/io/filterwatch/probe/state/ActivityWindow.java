package io.filterwatch.probe.state;

import java.util.ArrayDeque;
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
 * <p>Selectivity counts depend on the window max M_f, which moves as the window slides; each
 * entry therefore caches its count of responses below 1e-3 M_f together with the threshold it
 * was counted at, and only filters whose threshold changed are recounted. Sampled responses stay
 * in wire form (u16 codes, {@link QuantisedSample}): every test on them is an integer comparison
 * against {@link ResponseQuantisation#firstCodeNotBelow}, exactly the test on the decoded values.
 */
public final class ActivityWindow {
    /** Sampled responses below this share of the entry's own max are kept as candidates (see {@link Entry}). */
    private static final double CANDIDATE_LIMIT = 0.05;

    private final int c;
    private final int maxSampleRows;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    private long totalSamples;
    private int sampleRows;
    private final double[] max;
    private final long[] active;
    private final double[] responseSum;
    private final long[] below;
    private final long[] activeFractionCodeSum;
    private final double[] threshold;
    /** Scratch for the classification pass, reused across entries (it only grows). */
    private int[] scratchFilter = new int[0];
    private char[] scratchCode = new char[0];

    public ActivityWindow(int filterCount, int maxSampleRows) {
        this.c = filterCount;
        this.maxSampleRows = maxSampleRows;
        this.max = new double[c];
        this.active = new long[c];
        this.responseSum = new double[c];
        this.below = new long[c];
        this.activeFractionCodeSum = new long[c];
        this.threshold = new double[c];
    }

    /**
     * Adds the newest merged snapshot, then drops what falls out of the window.
     *
     * @param samples the workers' sampled responses of this step (one per worker, possibly empty)
     */
    public void add(long step, ActivationAggregates aggregates, List<QuantisedSample> samples, long targetSamples) {
        entries.addLast(new Entry(step, aggregates, samples, c, this));
        totalSamples += aggregates.samplesSeen();
        while (entries.size() > 1 && totalSamples - entries.peekFirst().samples >= targetSamples) {
            totalSamples -= entries.removeFirst().samples;
        }
        trimSamples();
        recompute();
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
                e.dropSample();
            } else {
                kept += e.rows;
            }
            newest = false;
        }
    }

    private void recompute() {
        Arrays.fill(max, 0.0);
        Arrays.fill(active, 0L);
        Arrays.fill(responseSum, 0.0);
        Arrays.fill(activeFractionCodeSum, 0L);
        Arrays.fill(below, 0L);
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
                    activeFractionCodeSum[f] += e.fractionCodeSum[f];
                }
            }
        }
        for (int f = 0; f < c; f++) {
            threshold[f] = Definitions.selectivityThreshold(max[f]);
        }
        for (Entry e : entries) {
            if (e.rows > 0) {
                e.countBelow(threshold);
                for (int f = 0; f < c; f++) {
                    below[f] += e.below[f];
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

    /** Sum over the sampled rows of the fraction of spatial positions active (as decoded: code / 255). */
    public double activeFractionSum(int f) {
        return activeFractionCodeSum[f] / (double) ResponseQuantisation.FRACTION_LEVELS;
    }

    /** The newest snapshot's activity rate of f (activeCount / samplesSeen), NaN if it saw no sample. */
    public double latestActivity(int f) {
        Entry e = entries.peekLast();
        return e == null || e.samples == 0 ? Double.NaN : (double) e.active[f] / e.samples;
    }

    private int[] scratchFilter(int size) {
        if (scratchFilter.length < size) {
            scratchFilter = new int[size];
            scratchCode = new char[size];
        }
        return scratchFilter;
    }

    /**
     * One merged snapshot in the window. For selectivity it classifies its sampled responses once,
     * against its own aggregate max m_f (M_f >= m_f while the entry is in the window, so the
     * threshold t_f = 1e-3 M_f >= 1e-3 m_f): zeros and responses below 1e-3 m_f are below every
     * threshold there can be ("small"); responses in [1e-3 m_f, 0.05 m_f) are kept as candidates,
     * grouped by filter; a recount at a new threshold then only walks the filter's candidates.
     * Only when t_f passes 0.05 m_f is the filter's column scanned again. Exact, and the recount
     * costs O(candidates) instead of O(N C).
     */
    private static final class Entry {
        final long step;
        final long samples;
        final float[] max;
        final long[] active;
        final double[] responseSum;
        final int c;
        int rows;
        /** Max of the sampled responses (the workers' scales); kept when the rows are dropped. */
        final float[] sampledMax;
        long[] fractionCodeSum;
        long[] below;
        double[] countedAt;
        Chunk[] chunks;

        Entry(long step, ActivationAggregates a, List<QuantisedSample> samples, int c, ActivityWindow scratch) {
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
                fractionCodeSum = new long[c];
                chunks = new Chunk[samples.size()];
                for (int i = 0; i < chunks.length; i++) {
                    chunks[i] = new Chunk(samples.get(i), max, fractionCodeSum, scratch);
                }
                below = new long[c];
                countedAt = new double[c];
                Arrays.fill(countedAt, Double.NaN); // nothing counted yet
            }
        }

        void dropSample() {
            rows = 0;
            fractionCodeSum = null;
            below = null;
            countedAt = null;
            chunks = null;
            // sampledMax stays: it is part of M_f, which must not jump when rows are trimmed
        }

        /** Recounts r < threshold for the filters whose threshold moved since the last count. */
        void countBelow(double[] threshold) {
            for (int f = 0; f < c; f++) {
                double t = threshold[f];
                if (Double.doubleToLongBits(countedAt[f]) == Double.doubleToLongBits(t)) {
                    continue;
                }
                countedAt[f] = t;
                long n = 0;
                if (t > 0.0) {
                    for (Chunk chunk : chunks) {
                        n += chunk.countBelow(f, t);
                    }
                }
                below[f] = n;
            }
        }
    }

    /** One worker's sampled rows of an entry, classified in code space. */
    private static final class Chunk {
        final int c;
        final float[] scales;
        final char[] codes;
        /** Per filter: codes below its "small" bound (zeros included). */
        final int[] small;
        /** Per filter: the first code at or above 0.05 m_f; candidates lie below it. */
        final int[] hi;
        /** Candidate codes grouped by filter: filter f's are candidateCodes[candidateStart[f] .. candidateStart[f+1]). */
        final int[] candidateStart;
        final char[] candidateCodes;

        Chunk(QuantisedSample s, float[] entryMax, long[] fractionCodeSum, ActivityWindow scratch) {
            c = entryMax.length;
            scales = s.scales();
            codes = s.codes();
            small = new int[c];
            hi = new int[c];
            int[] lo = new int[c];
            for (int f = 0; f < c; f++) {
                double m = entryMax[f];
                // at least 1: a zero code is below every positive threshold
                lo[f] = Math.max(1, ResponseQuantisation.firstCodeNotBelow(scales[f], Definitions.selectivityThreshold(m)));
                hi[f] = Math.max(lo[f], ResponseQuantisation.firstCodeNotBelow(scales[f], CANDIDATE_LIMIT * m));
            }
            int cells = codes.length;
            addFractionCodes(s.fractionCodes(), c, fractionCodeSum);
            int[] candF = scratch.scratchFilter(cells);
            char[] candQ = scratch.scratchCode;
            int k = classify(codes, c, lo, hi, small, candF, candQ);
            candidateStart = new int[c + 1];
            for (int j = 0; j < k; j++) {
                candidateStart[candF[j] + 1]++;
            }
            for (int f = 0; f < c; f++) {
                candidateStart[f + 1] += candidateStart[f];
            }
            candidateCodes = new char[k];
            int[] fill = Arrays.copyOf(candidateStart, c);
            for (int j = 0; j < k; j++) {
                candidateCodes[fill[candF[j]]++] = candQ[j];
            }
        }

        /** Adds each filter's fraction codes to its sum: a separate pass, because this one the JIT vectorises. */
        private static void addFractionCodes(byte[] fractions, int c, long[] sums) {
            int[] sum = new int[c]; // <= 4096 rows x 255: fits
            for (int row = 0; row < fractions.length; row += c) {
                for (int f = 0; f < c; f++) {
                    sum[f] += fractions[row + f] & 0xFF;
                }
            }
            for (int f = 0; f < c; f++) {
                sums[f] += sum[f];
            }
        }

        /**
         * Counts the small codes per filter and collects the candidates (filter, code) in row
         * order; returns how many. No data-dependent branches (live filters mix the classes at
         * random): a candidate is written always and kept by advancing k. A static method on
         * local arrays, so the JIT keeps everything in registers.
         */
        private static int classify(char[] codes, int c, int[] lo, int[] hi, int[] small, int[] candF, char[] candQ) {
            int k = 0;
            for (int row = 0; row < codes.length; row += c) {
                for (int f = 0; f < c; f++) {
                    int q = codes[row + f];
                    int isSmall = (q - lo[f]) >>> 31;
                    int isCandidate = ((q - hi[f]) >>> 31) ^ isSmall; // lo <= q < hi (lo <= hi)
                    small[f] += isSmall;
                    candF[k] = f;
                    candQ[k] = (char) q;
                    k += isCandidate;
                }
            }
            return k;
        }

        /** Rows of filter f whose response is below t (t > 0, t >= 1e-3 m_f). */
        long countBelow(int f, double t) {
            int qt = ResponseQuantisation.firstCodeNotBelow(scales[f], t);
            if (qt > hi[f]) {
                long n = 0; // t passed the candidates: responses above them may be below it now
                for (int i = f; i < codes.length; i += c) {
                    n += codes[i] < qt ? 1 : 0;
                }
                return n;
            }
            long n = small[f];
            for (int j = candidateStart[f]; j < candidateStart[f + 1]; j++) {
                n += candidateCodes[j] < qt ? 1 : 0;
            }
            return n;
        }
    }
}
