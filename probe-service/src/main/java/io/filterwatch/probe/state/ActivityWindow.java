package io.filterwatch.probe.state;

import java.util.ArrayDeque;
import java.util.Iterator;

import io.filterwatch.probe.stats.Definitions;
import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.ResponseSample;

/**
 * The trailing window of one (run, layer): the minimal run of most recent merged snapshots whose
 * samples add up to at least the target, or all of them while fewer have been seen. It keeps the
 * per-snapshot aggregates (every training sample) and, up to {@code maxSampleRows} rows, the
 * sampled responses (for selectivity), and maintains the per-filter window sums.
 *
 * <p>Selectivity counts depend on the window max M_f, which moves as the window slides; each
 * entry therefore caches its count of responses below 1e-3 M_f together with the threshold it
 * was counted at, and only filters whose threshold changed are recounted.
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

    public ActivityWindow(int filterCount, int maxSampleRows) {
        this.c = filterCount;
        this.maxSampleRows = maxSampleRows;
        this.max = new double[c];
        this.active = new long[c];
        this.responseSum = new double[c];
        this.below = new long[c];
        this.activeFractionSum = new double[c];
        this.threshold = new double[c];
    }

    /** Adds the newest merged snapshot, then drops what falls out of the window. */
    public void add(long step, ActivationAggregates aggregates, ResponseSample sample, long targetSamples) {
        entries.addLast(new Entry(step, aggregates, sample, c));
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
        java.util.Arrays.fill(max, 0.0);
        java.util.Arrays.fill(active, 0L);
        java.util.Arrays.fill(responseSum, 0.0);
        java.util.Arrays.fill(activeFractionSum, 0.0);
        java.util.Arrays.fill(below, 0L);
        sampleRows = 0;
        for (Entry e : entries) {
            for (int f = 0; f < c; f++) {
                max[f] = Math.max(max[f], Math.max(e.max[f], e.sampledMax == null ? 0.0 : e.sampledMax[f]));
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

    /** Sum over the sampled rows of the fraction of spatial positions active. */
    public double activeFractionSum(int f) {
        return activeFractionSum[f];
    }

    /** The newest snapshot's activity rate of f (activeCount / samplesSeen), NaN if it saw no sample. */
    public double latestActivity(int f) {
        Entry e = entries.peekLast();
        return e == null || e.samples == 0 ? Double.NaN : (double) e.active[f] / e.samples;
    }

    /**
     * One merged snapshot in the window. For selectivity it classifies its sampled responses once,
     * against its own aggregate max m_f (M_f >= m_f while the entry is in the window, so the
     * threshold t_f = 1e-3 M_f >= 1e-3 m_f): exact zeros and responses below 1e-3 m_f are below
     * every threshold there can be; responses in [1e-3 m_f, 0.05 m_f) are kept as candidates; a
     * recount at a new threshold then only walks the candidates. Only when M_f reaches 50 m_f and
     * the entry holds responses >= 0.05 m_f is the filter's column scanned again. Exact, and the
     * recount costs O(candidates) instead of O(N C).
     */
    private static final class Entry {
        private static final double CANDIDATE_LIMIT = 0.05;

        final long step;
        final long samples;
        final float[] max;
        final long[] active;
        final double[] responseSum;
        final int c;
        int rows;
        float[] responses;
        float[] sampledMax;
        double[] activeFractionSum;
        long[] below;
        double[] countedAt;
        int[] zerosAndSmall;
        int[] zeros;
        float[] hi;
        int candidateCount;
        int[] candidateFilter;
        float[] candidateValue;

        Entry(long step, ActivationAggregates a, ResponseSample s, int c) {
            this.step = step;
            this.samples = a.samplesSeen();
            this.max = a.maxResponse();
            this.active = a.activeCount();
            this.responseSum = a.responseSum();
            this.c = c;
            this.rows = s.sampleCount();
            if (rows > 0) {
                classify(s);
            }
        }

        /** One pass over the N x C sample: per-filter max, spatial sum, and the threshold classes. */
        private void classify(ResponseSample s) {
            responses = s.responses();
            float[] fraction = s.activeFraction();
            sampledMax = new float[c];
            activeFractionSum = new double[c];
            zeros = new int[c];
            zerosAndSmall = new int[c];
            // float bounds: the inner loop then compares floats. lo is rounded down, so "r < lo"
            // still implies r < 1e-3 m_f <= t_f; hi only splits candidates from the rest and is
            // used identically when deciding on a rescan (countBelow), so its rounding is harmless
            float[] lo = new float[c];
            hi = new float[c];
            for (int f = 0; f < c; f++) {
                double exact = Definitions.selectivityThreshold(max[f]);
                float rounded = (float) exact;
                lo[f] = rounded > exact ? Math.nextDown(rounded) : rounded;
                hi[f] = (float) (CANDIDATE_LIMIT * max[f]);
            }
            int[] candF = new int[Math.max(16, rows * c / 16)];
            float[] candV = new float[candF.length];
            int k = 0;
            for (int n = 0, i = 0; n < rows; n++) {
                for (int f = 0; f < c; f++, i++) {
                    float r = responses[i];
                    float m = sampledMax[f];
                    sampledMax[f] = r > m ? r : m;
                    activeFractionSum[f] += fraction[i];
                    if (r > 0f && r >= hi[f]) {
                        continue; // the common case for a live filter: far above any threshold
                    }
                    if (r == 0f) {
                        zeros[f]++;
                    } else if (r < lo[f]) {
                        zerosAndSmall[f]++;
                    } else {
                        if (k == candF.length) {
                            candF = java.util.Arrays.copyOf(candF, k * 2);
                            candV = java.util.Arrays.copyOf(candV, k * 2);
                        }
                        candF[k] = f;
                        candV[k++] = r;
                    }
                }
            }
            for (int f = 0; f < c; f++) {
                zerosAndSmall[f] += zeros[f];
            }
            candidateCount = k;
            candidateFilter = candF;
            candidateValue = candV;
            below = new long[c];
            countedAt = new double[c];
            java.util.Arrays.fill(countedAt, Double.NaN); // nothing counted yet
        }

        void dropSample() {
            rows = 0;
            responses = null;
            activeFractionSum = null;
            below = null;
            countedAt = null;
            zeros = null;
            zerosAndSmall = null;
            candidateFilter = null;
            candidateValue = null;
            hi = null;
            // sampledMax stays: it is part of M_f, which must not jump when rows are trimmed
        }

        /** Recounts r < threshold for the filters whose threshold moved since the last count. */
        void countBelow(double[] threshold) {
            boolean[] changed = null;
            for (int f = 0; f < c; f++) {
                double t = threshold[f];
                if (Double.doubleToLongBits(countedAt[f]) == Double.doubleToLongBits(t)) {
                    continue;
                }
                if (changed == null) {
                    changed = new boolean[c];
                }
                changed[f] = true;
                countedAt[f] = t;
                if (t >= hi[f] && sampledMax[f] >= hi[f] && sampledMax[f] > 0f) {
                    below[f] = scanColumn(f, t);
                    changed[f] = false; // done
                } else {
                    below[f] = t > 0.0 ? zerosAndSmall[f] : 0;
                }
            }
            if (changed == null) {
                return;
            }
            for (int j = 0; j < candidateCount; j++) {
                int f = candidateFilter[j];
                if (changed[f] && candidateValue[j] < threshold[f]) {
                    below[f]++;
                }
            }
        }

        private long scanColumn(int f, double t) {
            long n = 0;
            for (int i = f; i < responses.length; i += c) {
                if (responses[i] < t) {
                    n++;
                }
            }
            return n;
        }
    }
}
