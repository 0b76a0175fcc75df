package io.filterwatch.protocol;

import static io.filterwatch.protocol.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Each malformation the decoder must reject, with the message that names it. */
class SnapshotDecoderRejectsTest {
    /** C = 4, N = 3, no second moments, so {@link Records#column} applies. */
    private final byte[] valid = SnapshotCodec.encode(SnapshotFixtures.simple(4, 3, false));
    private final byte[] noSample = SnapshotCodec.encode(SnapshotFixtures.simple(4, 0, false));

    @Test
    void badMagic() {
        byte[] bad = valid.clone();
        bad[3] = '2';
        rejects(bad).hasMessage("bad magic 0x46575332, expected 0x46575331 (\"FWS1\"): not a FilterWatch layer snapshot");
        rejects("{\"json\":1}".getBytes()).hasMessageStartingWith("bad magic 0x7B226A73");
    }

    @Test
    void unknownVersion() {
        rejects(withShort(valid, VERSION, 4)).hasMessage("unknown version 4, this decoder reads versions 1 to 3");
        rejects(withShort(valid, VERSION, 0)).hasMessageContaining("unknown version 0");
    }

    @Test
    void unknownFlags() {
        rejects(withShort(valid, FLAGS, 0x8002)).hasMessage("unknown flags 0x8002 (version 3 knows 0x0003)");
    }

    @Test
    void emptyAndNullRecords() {
        rejects(new byte[0]).hasMessage("truncated record: magic needs 4 bytes at offset 0 but only 0 are left");
        assertThatThrownBy(() -> SnapshotCodec.decode((byte[]) null)).isInstanceOf(SnapshotFormatException.class)
                .hasMessage("null record");
    }

    @Test
    void everyTruncationIsReportedAsTruncated() {
        for (int length = 0; length < valid.length; length++) {
            rejects(truncated(valid, length)).hasMessageStartingWith("truncated record: ");
        }
    }

    @Test
    void truncationNamesTheFieldAndTheBytesNeededAndLeft() {
        int gamma = column(valid, 2);
        rejects(truncated(valid, gamma + 5))
                .hasMessage("truncated record: gamma needs 16 bytes at offset " + gamma + " but only 5 are left");
        rejects(truncated(valid, 20)).hasMessage("truncated record: fixed header needs 84 bytes at offset 8 but only 12 are left");
        int sample = column(valid, SAMPLE_SECTION);
        rejects(truncated(valid, valid.length - 1)).hasMessage("truncated record: sample responses needs 24 bytes at offset "
                + (sample + 8 + 16 + 16) + " but only 23 are left");
    }

    @Test
    void twentyByteRecordClaimingTwoToThe31FiltersFailsFastWithoutAllocating() {
        byte[] header = truncated(withInt(valid, FILTER_COUNT, Integer.MIN_VALUE), 20); // 2^31 as an int
        rejects(header).hasMessageStartingWith("truncated record: fixed header needs");
        // The same claim with a complete header: rejected on the value, before anything is sized by it.
        rejects(truncated(withInt(valid, FILTER_COUNT, Integer.MIN_VALUE), 200))
                .hasMessage("filterCount C = -2147483648 is out of range 1..65536");
        rejects(withInt(valid, FILTER_COUNT, Integer.MAX_VALUE))
                .hasMessage("filterCount C = 2147483647 is out of range 1..65536");
    }

    @Test
    void largestAllowedDimensionsOnAShortRecordFailWithoutAllocating() {
        // C = 65536 and N = 4096 would mean ~800 MB of arrays; the record has a few hundred bytes.
        long before = usedHeap();
        int sample = column(valid, SAMPLE_SECTION);
        rejects(withInt(valid, FILTER_COUNT, 65_536)).hasMessageStartingWith("truncated record: paramCount needs 262144 bytes");
        rejects(withInt(valid, sample, 4096)).hasMessageStartingWith("truncated record: sample responses needs 32768 bytes");
        assertThat(usedHeap() - before).isLessThan(64L << 20);
    }

    @Test
    void negativeOrAbsurdDimensions() {
        rejects(withInt(valid, FILTER_COUNT, 0)).hasMessage("filterCount C = 0 is out of range 1..65536");
        rejects(withInt(valid, FILTER_COUNT, -4)).hasMessage("filterCount C = -4 is out of range 1..65536");
        rejects(withInt(valid, OUT_HEIGHT, 0)).hasMessage("outHeight H = 0 is out of range 1..65536");
        rejects(withInt(valid, OUT_WIDTH, 65_537)).hasMessage("outWidth W = 65537 is out of range 1..65536");
        rejects(withInt(valid, BATCH_SIZE, 0)).hasMessage("batchSize = 0 is out of range 1..2147483647");
        rejects(withInt(valid, WORKER_RANK, -1)).hasMessage("workerRank = -1 is out of range 0..2147483647");
        rejects(withLong(valid, STEP, -1)).hasMessage("step = -1 is out of range 0..9223372036854775807");
        rejects(withLong(valid, SAMPLES_SEEN, -5)).hasMessage("samplesSeen = -5 is out of range 0..9223372036854775807");
        int sample = column(valid, SAMPLE_SECTION);
        rejects(withInt(valid, sample, 4097)).hasMessage("sampleCount N = 4097 is out of range 1..4096");
        rejects(withInt(valid, sample, -1)).hasMessage("sampleCount N = -1 is out of range 1..4096");
    }

    @Test
    void negativeCounts() {
        rejects(withInt(valid, column(valid, 0) + 4, -1)).hasMessage("paramCount[1] = -1 is negative");
        rejects(withLong(valid, column(valid, 1), -7)).hasMessage("flops[0] = -7 is negative");
        rejects(withLong(valid, column(valid, ACTIVE_COUNT_COLUMN) + 8, -1))
                .hasMessage("activeCount[1] = -1 is out of range 0..samplesSeen (1000)");
        rejects(withLong(valid, column(valid, ACTIVE_COUNT_COLUMN), 1001))
                .hasMessage("activeCount[0] = 1001 is out of range 0..samplesSeen (1000)");
        int sample = column(valid, SAMPLE_SECTION);
        rejects(withInt(valid, sample + 4, -1)).hasMessage("nonFiniteCount = -1 is out of range 0..(number of zero responses = 3)");
        rejects(withInt(valid, sample + 4, 4)).hasMessage("nonFiniteCount = 4 is out of range 0..(number of zero responses = 3)");
    }

    @Test
    void stringsOutOfBoundsOrNotUtf8() {
        rejects(withShort(valid, RUN_ID_LENGTH, 300)).hasMessage("runId length in UTF-8 bytes = 300 is out of range 1..256");
        rejects(withShort(valid, RUN_ID_LENGTH, 0)).hasMessage("runId length in UTF-8 bytes = 0 is out of range 1..256");
        rejects(withShort(valid, layerNameLength(valid), 0)).hasMessage("layer name length in UTF-8 bytes = 0 is out of range 1..256");
        rejects(withShort(valid, optimizerLength(valid), 257)).hasMessage("optimizer length in UTF-8 bytes = 257 is out of range 0..256");
        byte[] notUtf8 = valid.clone();
        notUtf8[RUN_ID_LENGTH + 2] = (byte) 0xC0; // overlong encoding lead byte
        rejects(notUtf8).hasMessage("runId at offset 94 is not valid UTF-8");
        byte[] surrogate = valid.clone();
        surrogate[RUN_ID_LENGTH + 2] = (byte) 0xED;
        surrogate[RUN_ID_LENGTH + 3] = (byte) 0xA0;
        surrogate[RUN_ID_LENGTH + 4] = (byte) 0x80;
        rejects(surrogate).hasMessage("runId at offset 94 is not valid UTF-8");
    }

    @Test
    void trailingBytes() {
        rejects(Arrays.copyOf(valid, valid.length + 1))
                .hasMessage("trailing bytes: 1 bytes after the end of the record at offset " + valid.length
                        + " (a length, a count or the flags disagree with the content)");
    }

    @Test
    void flagsThatDisagreeWithTheContent() {
        // Sample flag cleared on a record with a sample: the sample is left over.
        rejects(withShort(valid, FLAGS, 0)).hasMessageStartingWith("trailing bytes: " + (valid.length - column(valid, SAMPLE_SECTION)));
        // Sample flag set on a record without one: the sample section is missing.
        rejects(withShort(noSample, FLAGS, WireFormat.FLAG_SAMPLE))
                .hasMessage("truncated record: sampleCount N needs 4 bytes at offset " + noSample.length + " but only 0 are left");
        // Second-moment flag set on a record without them: 12 C bytes too few.
        rejects(withShort(noSample, FLAGS, WireFormat.FLAG_SECOND_MOMENTS)).hasMessageStartingWith("truncated record: activeCount needs 32 bytes");
        // Second-moment flag cleared on a record with them: 12 C bytes too many.
        // (All measured values 0, so the shifted columns still hold valid counts and the leftover is what shows.)
        byte[] moments = SnapshotCodec.encode(SnapshotFixtures.build(SnapshotFixtures.context(), new LayerInfo("c", 0, 4, 1, 1), true,
                ResponseSample.empty(), 1000, f -> 0f));
        rejects(withShort(moments, FLAGS, 0)).hasMessageStartingWith("trailing bytes: 48 bytes");
    }

    @Test
    void nanOrInfinityWhereNotAllowed() {
        rejects(withDouble(valid, LEARNING_RATE, Double.NaN)).hasMessage("learningRate = NaN is not allowed: must be finite and >= 0");
        rejects(withDouble(valid, L2, Double.POSITIVE_INFINITY)).hasMessage("l2 = Infinity is not allowed: must be finite and >= 0");
        rejects(withDouble(valid, WEIGHT_DECAY, -1e-4)).hasMessage("weightDecay = -1.0E-4 is not allowed: must be finite and >= 0");
        int scales = column(valid, SAMPLE_SECTION) + 8;
        rejects(withFloat(valid, scales + 4, Float.NaN)).hasMessage("sample scale[1] = NaN is not allowed: must be 0 or finite and > 1e-12");
        rejects(withFloat(valid, scales + 8, Float.POSITIVE_INFINITY)).hasMessage("sample scale[2] = Infinity is not allowed: must be 0 or finite and > 1e-12");
        rejects(withFloat(valid, scales + 8, -1f)).hasMessage("sample scale[2] = -1.0 is not allowed: must be 0 or finite and > 1e-12");
        rejects(withFloat(valid, scales + 8, 1e-12f)).hasMessage("sample scale[2] = 1.0E-12 is not allowed: must be 0 or finite and > 1e-12");
        int sums = scales + 16; // active-fraction sums over N = 3 rows: [0, 3]
        rejects(withFloat(valid, sums + 4, Float.NaN)).hasMessage("activeFractionSum[1] = NaN is not allowed: must be in [0, N = 3]");
        rejects(withFloat(valid, sums, -0.5f)).hasMessage("activeFractionSum[0] = -0.5 is not allowed: must be in [0, N = 3]");
        rejects(withFloat(valid, sums + 12, 3.0001f)).hasMessage("activeFractionSum[3] = 3.0001 is not allowed: must be in [0, N = 3]");
        assertThat(SnapshotCodec.decode(withFloat(valid, sums + 12, 3f)).sample().activeFractionSum(3, 4)).isEqualTo(3f);
    }

    @Test
    void measuredValuesMayBeNaN() {
        int gamma = column(valid, 2);
        byte[] nanGamma = withFloat(valid, gamma, Float.NaN);
        assertThat(SnapshotCodec.decode(nanGamma).params().gamma()[0]).isNaN();
        byte[] infMax = withFloat(valid, column(valid, MAX_RESPONSE_COLUMN), Float.NEGATIVE_INFINITY);
        assertThat(SnapshotCodec.decode(infMax).activity().maxResponse()[0]).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void sampleCodesThatNoEncoderProduces() {
        // simple(4, 3): filter 0 is dead (scale 0, codes 0); filter 3 has scale 0.9, codes 21846, 43690, 65535.
        int scales = column(valid, SAMPLE_SECTION) + 8;
        int codes = scales + 16 + 16; // after the scales and the active-fraction sums; column-major, 3 per filter
        rejects(withShort(valid, codes + 2 * 2, 5)).hasMessage("response code 5 of filter 0 is non-zero but the filter's sample scale is 0 (no active response)");
        rejects(withShort(valid, codes + 2 * 9, 65_000))
                .hasMessage("response code 43690 of filter 3 at rank 1 is below the code before it: each filter's codes must be in non-decreasing order");
        // At scale 1e-10 an active response (> 1e-12) is at least 1% of the scale: codes 2..656 cannot occur.
        // sorted column: 0, 1312 (2e-12), 65535 (1e-10)
        ResponseSample tiny = new ResponseSample(3, new float[] {1e-10f, 0f, 2e-12f}, new float[] {1f, 0f, 1f}, 0);
        byte[] small = SnapshotCodec.encode(SnapshotFixtures.build(SnapshotFixtures.context(), new LayerInfo("c", 0, 1, 1, 1), false, tiny, 3, f -> 1f));
        int smallCodes = column(small, SAMPLE_SECTION) + 8 + 4 + 4;
        assertThat(SnapshotCodec.decode(withShort(small, smallCodes + 2, 656)).sample().responses()[1]).isGreaterThan(1e-12f);
        rejects(withShort(small, smallCodes + 2, 2))
                .hasMessage("response code 2 of filter 0 is below 656, the smallest code of an active response at scale 1.0E-10");
        rejects(withShort(valid, codes + 2 * 11, 65_000)) // filter 3's max (rank 2) no longer reaches the scale
                .hasMessage("sample scale[3] = 0.9 is not the filter's maximum over the sample: no response of filter 3 has code 65535");
        rejects(withFloat(valid, scales, -0f)).hasMessage("sample scale[0] = -0.0 is not allowed: must be 0 or finite and > 1e-12");
    }

    @Test
    void byteBufferWithWrongOrderIsStillReadBigEndian() {
        ByteBuffer little = ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(SnapshotCodec.decode(little)).isEqualTo(SnapshotCodec.decode(valid));
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(byte[] record) {
        return assertThatThrownBy(() -> SnapshotCodec.decode(record)).isExactlyInstanceOf(SnapshotFormatException.class);
    }
}
