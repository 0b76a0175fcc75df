package io.filterwatch.protocol;

import static io.filterwatch.protocol.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Records of versions 1 and 2 still decode: a long run's trainers may keep writing them while the
 * probe is upgraded. Both sent the response codes row-major, in sample order; version 1 sent u8
 * active-fraction codes instead of sums. Built here by hand from a version-3 record of the same
 * snapshot, with the older sample layout.
 */
class OlderVersionRecordsTest {
    private static final int C = 4;
    private static final int N = 3;
    /** Fractions 0 for filter 0 and 0.5 elsewhere; filter f's responses f/10, 2f/10, 3f/10 (SnapshotFixtures.simple). */
    private final LayerSnapshot snapshot = SnapshotFixtures.simple(C, N, false);
    private final byte[] v3 = SnapshotCodec.encode(snapshot);
    private final LayerSnapshot current = SnapshotCodec.decode(v3);

    @Test
    void version2RowsInSampleOrderDecodeToSortedColumns() {
        // the samples in the opposite order: every filter's responses descend down the rows
        byte[] v2 = version2(v3, C, N, true);
        LayerSnapshot decoded = SnapshotCodec.decode(v2);
        assertThat(decoded).isEqualTo(current);
        byte[] reencoded = SnapshotCodec.encode(decoded);
        assertThat(ByteBuffer.wrap(reencoded).getShort(VERSION)).isEqualTo((short) 3);
        assertThat(reencoded).isEqualTo(v3);
    }

    @Test
    void version1SampleDecodesWithItsFractionCodesSummed() {
        // v1 carried round(255 a): 0.5 -> 128, so each of filters 1..3 sums 3 x 128/255
        byte[] fractionCodes = {0, (byte) 128, (byte) 128, (byte) 128, 0, (byte) 128, (byte) 128, (byte) 128,
                0, (byte) 128, (byte) 128, (byte) 128};
        // rows in reverse order: filter f's responses descend, so the decoder must sort them
        LayerSnapshot decoded = SnapshotCodec.decode(version1(v3, C, N, fractionCodes, true));
        assertThat(decoded.params()).isEqualTo(current.params());
        assertThat(decoded.activity()).isEqualTo(current.activity());
        QuantisedSample s = (QuantisedSample) decoded.sample();
        assertThat(s.codes()).isEqualTo(((QuantisedSample) current.sample()).codes());
        assertThat(s.activeFractionSums()).containsExactly(0f, (float) (3 * (double) (float) (128 / 255.0)),
                (float) (3 * (double) (float) (128 / 255.0)), (float) (3 * (double) (float) (128 / 255.0)));
        // re-encoded, it is a version-3 record of the same content
        byte[] reencoded = SnapshotCodec.encode(decoded);
        assertThat(ByteBuffer.wrap(reencoded).getShort(VERSION)).isEqualTo((short) 3);
        assertThat(SnapshotCodec.decode(reencoded)).isEqualTo(decoded);
    }

    @Test
    void olderRecordsAreCheckedLikeCurrentOnes() {
        byte[] v1 = version1(v3, C, N, new byte[12], false);
        int v1Codes = column(v1, SAMPLE_SECTION) + 8 + 16;
        assertThatThrownBy(() -> SnapshotCodec.decode(withShort(v1, v1Codes, 5))).isInstanceOf(SnapshotFormatException.class)
                .hasMessage("response code 5 of filter 0 is non-zero but the filter's sample scale is 0 (no active response)");
        assertThatThrownBy(() -> SnapshotCodec.decode(truncated(v1, v1.length - 1))).isInstanceOf(SnapshotFormatException.class)
                .hasMessageStartingWith("truncated record: sample responses and active fractions needs 36 bytes");
        byte[] v2 = version2(v3, C, N, false);
        int v2Codes = column(v2, SAMPLE_SECTION) + 8 + 32;
        // row 2 of filter 3, its max code, set to 7: sorted into the column, filter 3 has no code 65535 left
        assertThatThrownBy(() -> SnapshotCodec.decode(withShort(v2, v2Codes + 2 * (2 * C + 3), 7)))
                .isInstanceOf(SnapshotFormatException.class)
                .hasMessage("sample scale[3] = 0.9 is not the filter's maximum over the sample: no response of filter 3 has code 65535");
    }

    /** Filter f's N codes of a version-3 record, row-major N x C in rank order (or reversed). */
    private static byte[] rowMajorCodes(byte[] v3, int c, int n, boolean reversed) {
        ByteBuffer in = ByteBuffer.wrap(v3);
        int codes = column(v3, SAMPLE_SECTION) + 8 + 8 * c;
        ByteBuffer out = ByteBuffer.allocate(2 * n * c);
        for (int row = 0; row < n; row++) {
            for (int f = 0; f < c; f++) {
                int rank = reversed ? n - 1 - row : row;
                out.putShort(in.getShort(codes + 2 * (f * n + rank)));
            }
        }
        return out.array();
    }

    /** The version-2 form of a version-3 record of C filters and N samples without second moments. */
    static byte[] version2(byte[] v3, int c, int n, boolean reversedRows) {
        int codes = column(v3, SAMPLE_SECTION) + 8 + 8 * c;
        byte[] v2 = v3.clone();
        System.arraycopy(rowMajorCodes(v3, c, n, reversedRows), 0, v2, codes, 2 * n * c);
        ByteBuffer.wrap(v2).putShort(VERSION, (short) 2);
        return v2;
    }

    /** The version-1 form of a version-3 record of C filters and N samples without second moments. */
    static byte[] version1(byte[] v3, int c, int n, byte[] fractionCodes, boolean reversedRows) {
        int sample = column(v3, SAMPLE_SECTION);
        ByteBuffer out = ByteBuffer.allocate(sample + 8 + 4 * c + 3 * n * c);
        out.put(v3, 0, sample + 8 + 4 * c);                 // header, columns, N, nonFiniteCount, scales
        out.put(rowMajorCodes(v3, c, n, reversedRows));     // response codes in rows (the sums are dropped)
        out.put(fractionCodes);
        out.putShort(VERSION, (short) 1);
        return out.array();
    }
}
