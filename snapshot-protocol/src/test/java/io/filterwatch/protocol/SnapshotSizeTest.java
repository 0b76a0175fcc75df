package io.filterwatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** ResNet-50's largest layer must fit in one Kafka record with the default limits. */
class SnapshotSizeTest {
    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Leaves ~48 KiB of the default request for Kafka's record/batch overhead and headers. */
    private static final int BUDGET = 1_000_000;

    @Test
    void resNet50LargestLayerWithSampleOf128FitsUnderOneMegabyte() {
        int c = 2048;
        int n = 128;
        // Exact layout: 92 header + 3 x 2 string lengths + 68 C columns + 8 + 8 C (scales, fraction sums) + 2 N C codes.
        assertThat(SnapshotCodec.encodedSize(c, n, true, 0)).isEqualTo(92 + 6 + 68 * c + 8 + 8 * c + 2 * n * c)
                .isEqualTo(680_042);
        int worstCase = SnapshotCodec.encodedSize(c, n, true, 3 * SnapshotCodec.MAX_STRING_BYTES);
        assertThat(worstCase).isEqualTo(680_810).isLessThan(BUDGET).isLessThan(KAFKA_DEFAULT_MAX_REQUEST_SIZE);

        LayerSnapshot snapshot = SnapshotFixtures.random(new Random(2048), c, n, true);
        byte[] bytes = SnapshotCodec.encode(snapshot);
        assertThat(bytes.length).isLessThan(BUDGET)
                .isEqualTo(680_042 + SnapshotCodecPropertiesTest.utf8Bytes(snapshot));
        assertThat(SnapshotCodec.decode(bytes)).isEqualTo(SnapshotCodec.quantised(snapshot));
    }

    @Test
    void smallLayerSizes() {
        assertThat(SnapshotCodec.encodedSize(64, 128, true, 0)).isEqualTo(98 + 68 * 64 + 8 + 8 * 64 + 2 * 128 * 64);
        assertThat(SnapshotCodec.encodedSize(64, 0, false, 0)).isEqualTo(98 + 56 * 64);
    }
}
