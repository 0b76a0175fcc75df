package io.filterwatch.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked big-endian cursor over one record. Every read names its field and checks that the
 * bytes are there BEFORE reading or allocating, so a short record fails with a message saying what
 * was cut off, and no array is ever sized from a length the record cannot back.
 */
final class WireReader {
    private final ByteBuffer buf;

    /**
     * Reads from {@code record}'s position to its limit without moving them; offsets count from that
     * position. A direct or read-only buffer is copied once, so the hot loops can index a byte[].
     */
    WireReader(ByteBuffer record) {
        ByteBuffer slice = record.slice();
        if (!slice.hasArray()) {
            ByteBuffer copy = ByteBuffer.allocate(slice.remaining());
            copy.put(slice).flip();
            slice = copy;
        }
        this.buf = slice.order(ByteOrder.BIG_ENDIAN);
    }

    int offset() {
        return buf.position();
    }

    /** The backing array; {@link #arrayIndex()} is where the current position is in it. */
    byte[] array() {
        return buf.array();
    }

    int arrayIndex() {
        return buf.arrayOffset() + buf.position();
    }

    void require(String field, long bytes) {
        if (bytes > buf.remaining()) {
            throw new SnapshotFormatException("truncated record: " + field + " needs " + bytes
                    + " bytes at offset " + buf.position() + " but only " + buf.remaining() + " are left");
        }
    }

    void skip(int bytes) {
        buf.position(buf.position() + bytes);
    }

    void requireEnd() {
        if (buf.hasRemaining()) {
            throw new SnapshotFormatException("trailing bytes: " + buf.remaining()
                    + " bytes after the end of the record at offset " + buf.position()
                    + " (a length, a count or the flags disagree with the content)");
        }
    }

    int u16(String field) {
        require(field, 2);
        return buf.getShort() & 0xFFFF;
    }

    int i32(String field) {
        require(field, 4);
        return buf.getInt();
    }

    long i64(String field) {
        require(field, 8);
        return buf.getLong();
    }

    double f64(String field) {
        require(field, 8);
        return buf.getDouble();
    }

    /**
     * A u16 length in bytes, then that many bytes of strict UTF-8 (malformed sequences are rejected, not
     * replaced, so a decoded string re-encodes to the same bytes).
     */
    String utf8(String field, String lengthField) {
        int length = u16(lengthField);
        WireRules.stringLength(Rejector.DECODER, field, length);
        require(field, length);
        if (isAscii(length)) { // the usual case; skips the decoder's allocations
            String value = new String(array(), arrayIndex(), length, StandardCharsets.US_ASCII);
            skip(length);
            return value;
        }
        ByteBuffer bytes = buf.slice().limit(length);
        try {
            String value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
            skip(length);
            return value;
        } catch (CharacterCodingException e) {
            throw new SnapshotFormatException(field + " at offset " + buf.position() + " is not valid UTF-8", e);
        }
    }

    private boolean isAscii(int length) {
        byte[] bytes = array();
        for (int i = arrayIndex(), end = i + length; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    int[] i32s(String field, int count) {
        require(field, 4L * count);
        int[] values = new int[count];
        buf.asIntBuffer().get(values);
        skip(4 * count);
        return values;
    }

    long[] i64s(String field, int count) {
        require(field, 8L * count);
        long[] values = new long[count];
        buf.asLongBuffer().get(values);
        skip(8 * count);
        return values;
    }

    float[] f32s(String field, int count) {
        require(field, 4L * count);
        float[] values = new float[count];
        buf.asFloatBuffer().get(values);
        skip(4 * count);
        return values;
    }

    /** Big-endian u16 values, in bulk. */
    char[] u16s(String field, int count) {
        require(field, 2L * count);
        char[] values = new char[count];
        buf.asCharBuffer().get(values);
        skip(2 * count);
        return values;
    }

    /** u8 values, kept as (signed) bytes: read them with {@code & 0xFF}. */
    byte[] u8s(String field, int count) {
        require(field, count);
        byte[] values = new byte[count];
        buf.get(values);
        return values;
    }

    double[] f64s(String field, int count) {
        require(field, 8L * count);
        double[] values = new double[count];
        buf.asDoubleBuffer().get(values);
        skip(8 * count);
        return values;
    }
}
