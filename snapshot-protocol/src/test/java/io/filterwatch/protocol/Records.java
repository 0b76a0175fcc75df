package io.filterwatch.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Offsets inside an encoded record, for tests that corrupt one field on purpose. */
final class Records {
    static final int VERSION = 4;
    static final int FLAGS = 6;
    static final int WORKER_RANK = 8;
    static final int STEP = 12;
    static final int LEARNING_RATE = 32;
    static final int L2 = 40;
    static final int WEIGHT_DECAY = 48;
    static final int BATCH_SIZE = 56;
    static final int FILTER_COUNT = 64;
    static final int OUT_HEIGHT = 68;
    static final int OUT_WIDTH = 72;
    static final int SAMPLES_SEEN = 84;
    static final int RUN_ID_LENGTH = 92;

    private Records() {
    }

    /** Offset of the layer name's length field. */
    static int layerNameLength(byte[] record) {
        return RUN_ID_LENGTH + 2 + u16(record, RUN_ID_LENGTH);
    }

    static int optimizerLength(byte[] record) {
        int at = layerNameLength(record);
        return at + 2 + u16(record, at);
    }

    /** Offset of the first column (paramCount). */
    static int columns(byte[] record) {
        int at = optimizerLength(record);
        return at + 2 + u16(record, at);
    }

    /** Offset of column k (0 = paramCount, 1 = flops, 2 = gamma, ...) in a record WITHOUT second moments. */
    static int column(byte[] record, int k) {
        int c = ByteBuffer.wrap(record).getInt(FILTER_COUNT);
        int[] widths = {4, 8, 4, 4, 4, 4, 4, 4, 4, 8, 8};
        int at = columns(record);
        for (int i = 0; i < k; i++) {
            at += widths[i] * c;
        }
        return at;
    }

    static final int MAX_RESPONSE_COLUMN = 8;
    static final int ACTIVE_COUNT_COLUMN = 9;
    /** "Column" 11 is where the sample section starts (records without second moments). */
    static final int SAMPLE_SECTION = 11;

    static int u16(byte[] record, int at) {
        return ByteBuffer.wrap(record).getShort(at) & 0xFFFF;
    }

    static byte[] withInt(byte[] record, int at, int value) {
        byte[] copy = record.clone();
        ByteBuffer.wrap(copy).putInt(at, value);
        return copy;
    }

    static byte[] withShort(byte[] record, int at, int value) {
        byte[] copy = record.clone();
        ByteBuffer.wrap(copy).putShort(at, (short) value);
        return copy;
    }

    static byte[] withLong(byte[] record, int at, long value) {
        byte[] copy = record.clone();
        ByteBuffer.wrap(copy).putLong(at, value);
        return copy;
    }

    static byte[] withDouble(byte[] record, int at, double value) {
        return withLong(record, at, Double.doubleToRawLongBits(value));
    }

    static byte[] withFloat(byte[] record, int at, float value) {
        return withInt(record, at, Float.floatToRawIntBits(value));
    }

    static byte[] truncated(byte[] record, int length) {
        return Arrays.copyOf(record, length);
    }
}
