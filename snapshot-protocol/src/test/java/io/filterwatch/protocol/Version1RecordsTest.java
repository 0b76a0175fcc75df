package io.filterwatch.protocol;

import static io.filterwatch.protocol.Records.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Version-1 records (per-sample u8 active-fraction codes, no sums) still decode: a long run's
 * trainers may keep writing them while the probe is upgraded. Built here by hand from a version-2
 * record of the same snapshot, with the v1 sample layout.
 */
class Version1RecordsTest {
    /** C = 4, N = 3: fractions 0 for filter 0 and 0.5 elsewhere (Snapshots.simple). */
    private final LayerSnapshot snapshot = Snapshots.simple(4, 3, false);
    private final byte[] v2 = SnapshotCodec.encode(snapshot);

    @Test
    void version1SampleDecodesWithItsFractionCodesSummed() {
        // v1 carried round(255 a): 0.5 -> 128, so each of filters 1..3 sums 3 x 128/255
        byte[] fractionCodes = {0, (byte) 128, (byte) 128, (byte) 128, 0, (byte) 128, (byte) 128, (byte) 128,
                0, (byte) 128, (byte) 128, (byte) 128};
        LayerSnapshot decoded = SnapshotCodec.decode(version1(v2, 4, 3, fractionCodes));
        LayerSnapshot current = SnapshotCodec.decode(v2);
        assertThat(decoded.params()).isEqualTo(current.params());
        assertThat(decoded.activity()).isEqualTo(current.activity());
        QuantisedSample s = (QuantisedSample) decoded.sample();
        assertThat(s.codes()).isEqualTo(((QuantisedSample) current.sample()).codes());
        assertThat(s.activeFractionSums()).containsExactly(0f, (float) (3 * (double) (float) (128 / 255.0)),
                (float) (3 * (double) (float) (128 / 255.0)), (float) (3 * (double) (float) (128 / 255.0)));
        // re-encoded, it is a version-2 record of the same content
        byte[] reencoded = SnapshotCodec.encode(decoded);
        assertThat(ByteBuffer.wrap(reencoded).getShort(VERSION)).isEqualTo((short) 2);
        assertThat(SnapshotCodec.decode(reencoded)).isEqualTo(decoded);
    }

    @Test
    void version1RecordIsCheckedLikeVersion2() {
        byte[] v1 = version1(v2, 4, 3, new byte[12]);
        int codes = column(v1, SAMPLE_SECTION) + 8 + 16;
        assertThatThrownBy(() -> SnapshotCodec.decode(withShort(v1, codes, 5))).isInstanceOf(SnapshotFormatException.class)
                .hasMessage("response code 5 at (n=0, f=0) is non-zero but the filter's sample scale is 0 (no active response)");
        assertThatThrownBy(() -> SnapshotCodec.decode(truncated(v1, v1.length - 1))).isInstanceOf(SnapshotFormatException.class)
                .hasMessageStartingWith("truncated record: sample responses and active fractions needs 36 bytes");
    }

    /** The v1 form of a v2 record of C filters and N samples without second moments. */
    static byte[] version1(byte[] v2, int c, int n, byte[] fractionCodes) {
        int sample = column(v2, SAMPLE_SECTION);
        int codes = sample + 8 + 8 * c;
        ByteBuffer out = ByteBuffer.allocate(sample + 8 + 4 * c + 3 * n * c);
        out.put(v2, 0, sample + 8 + 4 * c);      // header, columns, N, nonFiniteCount, scales
        out.put(v2, codes, 2 * n * c);           // response codes (the sums are dropped)
        out.put(fractionCodes);
        out.putShort(VERSION, (short) 1);
        return out.array();
    }
}
