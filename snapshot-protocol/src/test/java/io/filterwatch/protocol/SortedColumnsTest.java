package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The operations on version 3's sorted columns, against brute force: the order check the decoder runs
 * over all N x C codes (with out-of-order codes at every position, column edges included),
 * the binary search that counts codes below a threshold, and the shortcut that skips the smallest-code
 * rule at ordinary scales.
 */
class SortedColumnsTest {

    @Property(tries = 300)
    void orderCheckFindsTheFirstCodeBelowItsPredecessorInItsColumn(@ForAll long seed,
                                                                   @ForAll @IntRange(min = 1, max = 300) int n,
                                                                   @ForAll @IntRange(min = 1, max = 40) int c,
                                                                   @ForAll @IntRange(min = 0, max = 3) int swaps) {
        Random rnd = new Random(seed);
        char[] codes = sortedColumns(rnd, n, c);
        for (int k = 0; k < swaps; k++) { // a random code lowered or raised: out of order or not
            int i = rnd.nextInt(codes.length);
            codes[i] = (char) (rnd.nextBoolean() ? rnd.nextInt(65_536) : codes[i]);
        }
        assertThat(ResponseQuantisation.firstOutOfOrder(codes, n)).isEqualTo(bruteFirstOutOfOrder(codes, n));
    }

    @Property(tries = 100)
    void orderCheckSeesEveryPositionOfALongRecord(@ForAll @IntRange(min = 0, max = 128 * 70 - 1) int at) {
        // 70 columns of 128: 8,960 codes, one out of order at each position in turn
        Random rnd = new Random(at);
        char[] codes = sortedColumns(rnd, 128, 70);
        assertThat(ResponseQuantisation.firstOutOfOrder(codes, 128)).isEqualTo(-1);
        if (at % 128 != 0) { // a column's first code has no predecessor in its column
            codes[at] = (char) (codes[at - 1] - 1 < 0 ? 0 : codes[at - 1] - 1);
            int expected = codes[at - 1] == 0 ? -1 : at;
            assertThat(ResponseQuantisation.firstOutOfOrder(codes, 128)).isEqualTo(expected);
        }
    }

    @Property(tries = 300)
    void countBelowIsTheNumberOfSmallerCodesInTheColumn(@ForAll long seed,
                                                         @ForAll @IntRange(min = 0, max = 200) int n,
                                                         @ForAll @IntRange(min = 0, max = 65_537) int code) {
        Random rnd = new Random(seed);
        char[] codes = sortedColumns(rnd, n, 3);
        for (int f = 0; f < 3; f++) {
            int expected = 0;
            for (int i = f * n; i < f * n + n; i++) {
                expected += codes[i] < code ? 1 : 0;
            }
            assertThat(ResponseQuantisation.countBelow(codes, f * n, n, code)).isEqualTo(expected);
        }
    }

    @Property(tries = 500)
    void atOrdinaryScalesEveryNonZeroCodeIsAllowed(@ForAll @DoubleRange(min = 0, max = 8) double log10Factor) {
        float scale = (float) (ResponseQuantisation.ONLY_CODE_1_BELOW * Math.pow(10, log10Factor));
        assertThat(ResponseQuantisation.smallestActiveCode(ResponseQuantisation.ONLY_CODE_1_BELOW)).isEqualTo(1);
        assertThat(ResponseQuantisation.smallestActiveCode(scale)).isEqualTo(1);
    }

    @Property(tries = 200)
    void firstCodeNotBelowHugeThresholdsIsPastEveryCode(@ForAll @DoubleRange(min = -12, max = 6) double log10Scale,
                                                        @ForAll @DoubleRange(min = 1, max = 300) double log10Ratio) {
        // t / step beyond every int and long (a window max 1e20x a sample's): no code reaches it
        float scale = (float) Math.pow(10, log10Scale);
        assertThat(ResponseQuantisation.firstCodeNotBelow(scale, scale * Math.pow(10, log10Ratio)))
                .isEqualTo(ResponseQuantisation.MAX_CODE + 1);
        assertThat(ResponseQuantisation.firstCodeNotBelow(scale, Double.POSITIVE_INFINITY))
                .isEqualTo(ResponseQuantisation.MAX_CODE + 1);
    }

    @Property(tries = 10)
    void anEmptySampleCannotClaimAScale(@ForAll @IntRange(min = 1, max = 8) int c) {
        float[] scales = new float[c];
        scales[c - 1] = 1f;
        QuantisedSample empty = new QuantisedSample(0, scales, new char[0], new float[c], 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResponseQuantisation.checkCodes(Rejector.DECODER, empty))
                .isInstanceOf(SnapshotFormatException.class)
                .hasMessageContaining("no response of filter " + (c - 1) + " has code 65535");
    }

    /** n sorted codes per column, many repeats and zeros (as ReLU responses give). */
    private static char[] sortedColumns(Random rnd, int n, int c) {
        char[] codes = new char[n * c];
        for (int i = 0; i < codes.length; i++) {
            int kind = rnd.nextInt(4);
            codes[i] = (char) (kind == 0 ? 0 : kind == 1 ? 65_535 : kind == 2 ? rnd.nextInt(8) : rnd.nextInt(65_536));
        }
        for (int f = 0; f < c; f++) {
            Arrays.sort(codes, f * n, f * n + n);
        }
        return codes;
    }

    private static int bruteFirstOutOfOrder(char[] codes, int n) {
        for (int i = 1; i < codes.length; i++) {
            if (i % n != 0 && codes[i] < codes[i - 1]) {
                return i;
            }
        }
        return -1;
    }
}
