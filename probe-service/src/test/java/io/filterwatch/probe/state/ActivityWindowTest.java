package io.filterwatch.probe.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.filterwatch.protocol.ActivationAggregates;
import io.filterwatch.protocol.QuantisedSample;
import io.filterwatch.protocol.ResponseSample;

/**
 * The window's selectivity counts against a brute-force count over the same rows, on random
 * streams built to hit every path: zeros only (a threshold at or below a filter's smallest
 * non-zero response), tiny responses (the sorted column walked up a few codes, or, past many tiny
 * ones, searched), counts kept while a threshold stays and recounted when it moves, a window max
 * that jumps 1000x and falls back, silent filters, samples trimmed by the row bound (their counts
 * taken off), non-finite window maxima, and steps whose rows come from two workers quantised against different scales. The window sees the
 * rows in wire form; the reference counts their decoded values.
 */
class ActivityWindowTest {

    @Test
    void cachedCountsEqualBruteForce() {
        Random random = new Random(11);
        for (int trial = 0; trial < 60; trial++) {
            int c = 1 + random.nextInt(6);
            int maxRows = switch (random.nextInt(4)) {
                case 3 -> 0; // only the newest snapshot's rows
                case 0 -> 4;
                case 1 -> 64;
                default -> 1024;
            };
            ActivityWindow window = new ActivityWindow(c, maxRows);
            List<float[]> keptMax = new ArrayList<>();
            List<float[]> keptRows = new ArrayList<>();
            List<double[]> keptFractionSums = new ArrayList<>();
            List<Integer> keptN = new ArrayList<>();
            List<Long> keptSamples = new ArrayList<>();
            List<Boolean> rowsDropped = new ArrayList<>();
            long target = 20 + random.nextInt(40);
            for (int step = 1; step <= 40; step++) {
                int n = random.nextInt(5) == 0 ? 20 + random.nextInt(20) : random.nextInt(4);
                long samples = 5 + random.nextInt(10);
                float[] max = new float[c];
                float[] r = new float[n * c];
                float[] a = new float[n * c];
                for (int f = 0; f < c; f++) {
                    double scale = switch (random.nextInt(5)) {
                        case 0 -> 0.0;            // silent
                        case 1 -> 1000.0;         // a jump: thresholds move past old candidates
                        default -> 1.0;
                    };
                    max[f] = (float) (scale * (0.5 + random.nextDouble()));
                    for (int i = 0; i < n; i++) {
                        double u = random.nextDouble();
                        double v = u < 0.3 ? 0 : u < 0.5 ? 1e-5 * random.nextDouble() : u < 0.7 ? 0.02 * random.nextDouble()
                                : random.nextDouble();
                        r[i * c + f] = (float) (v * max[f]);
                        a[i * c + f] = random.nextFloat();
                    }
                    if (random.nextInt(20) == 0) { // a diverging aggregate: the threshold is NaN or +inf
                        max[f] = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                    }
                }
                // one worker, or two (split after the first row) with their own scales
                int split = n >= 2 && random.nextBoolean() ? 1 : n;
                List<QuantisedSample> workers = new ArrayList<>();
                workers.add(rows(0, split, c, r, a));
                if (split < n) {
                    workers.add(rows(split, n, c, r, a));
                }
                float[] decoded = new float[n * c];
                double[] fractionSum = new double[c];
                int at = 0;
                for (QuantisedSample w : workers) {
                    float[] d = w.responses();
                    System.arraycopy(d, 0, decoded, at, d.length);
                    at += d.length;
                }
                for (int i = 0; i < n * c; i++) {
                    fractionSum[i % c] += a[i]; // measured; each worker sends its sum rounded to float once
                }
                window.add(step, new ActivationAggregates(step, samples, max, new long[c], new double[c]),
                        workers, target);
                keptMax.add(max);
                keptRows.add(decoded);
                keptFractionSums.add(fractionSum);
                keptN.add(n);
                keptSamples.add(samples);
                rowsDropped.add(false);
                // the reference window: shortest suffix with >= target samples
                int first = keptSamples.size() - 1;
                long sum = keptSamples.get(first);
                while (first > 0 && sum < target) {
                    sum += keptSamples.get(--first);
                }
                assertThat(window.totalSamples()).isEqualTo(sum);
                // rows kept: newest first up to maxRows (the newest always); once dropped, an entry's
                // rows never return
                List<Integer> withRows = new ArrayList<>();
                int kept = 0;
                boolean newest = true;
                for (int e = keptSamples.size() - 1; e >= first; e--) {
                    if (keptN.get(e) == 0 || rowsDropped.get(e)) {
                        newest = false;
                        continue;
                    }
                    if (newest || kept + keptN.get(e) <= maxRows) {
                        withRows.add(e);
                        kept += keptN.get(e);
                    } else {
                        rowsDropped.set(e, true);
                    }
                    newest = false;
                }
                assertThat(window.sampleRows()).isEqualTo(kept);
                for (int f = 0; f < c; f++) {
                    double m = 0;
                    for (int e = first; e < keptSamples.size(); e++) {
                        m = Math.max(m, keptMax.get(e)[f]);
                    }
                    assertThat(window.max(f)).isEqualTo(Double.valueOf(m)); // boxed: NaN equals NaN
                    double t = 1e-3 * m;
                    long below = 0;
                    for (int e : withRows) {
                        for (int i = 0; i < keptN.get(e); i++) {
                            if (keptRows.get(e)[i * c + f] < t) {
                                below++;
                            }
                        }
                    }
                    assertThat(window.belowCount(f)).as("trial %d step %d filter %d", trial, step, f).isEqualTo(below);
                    double fractions = 0;
                    for (int e : withRows) {
                        fractions += keptFractionSums.get(e)[f];
                    }
                    assertThat(window.activeFractionSum(f)).isCloseTo(fractions, org.assertj.core.api.Assertions.within(1e-5));
                }
            }
        }
    }

    /** Rows [from, to) of an N x C sample as one worker would send them. */
    private static QuantisedSample rows(int from, int to, int c, float[] r, float[] a) {
        return new ResponseSample(to - from, java.util.Arrays.copyOfRange(r, from * c, to * c),
                java.util.Arrays.copyOfRange(a, from * c, to * c), 0).quantised(c);
    }
}
