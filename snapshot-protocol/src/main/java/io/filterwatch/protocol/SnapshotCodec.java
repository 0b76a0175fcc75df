package io.filterwatch.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Binary encoding of {@link LayerSnapshot}, version 3 (versions 1 and 2 are still read): big-endian, magic {@code "FWS1"} then version,
 * per-filter values as columns (struct of arrays). Every byte is described in {@code docs/protocol.md}.
 *
 * <h2>Size</h2>
 * {@link #encodedSize}: 98 + string bytes + 56 C (+ 12 C with second moments) (+ 8 + 8 C + 2 N C with
 * a sample). ResNet-50's largest layer, C = 2048 with N = 128 and second moments, takes 680,042 bytes
 * plus the string bytes, at most 680,810 bytes: under Kafka's default 1,048,576-byte request size
 * with room for record overhead and headers.
 *
 * <h2>Sampled responses: error bounds (see {@link ResponseQuantisation})</h2>
 * <ul>
 * <li>Absolute test, exact: a decoded response is &gt; 1e-12 if and only if the original was.</li>
 * <li>Relative: |r' - r| &lt;= S_f / 131068 + float rounding &lt; 7.7e-6 S_f, with S_f the filter's max
 *     over the sample (sent exactly: the largest response decodes to S_f bit for bit). The selectivity
 *     test r / M_f &lt; 1e-3 is therefore decided as on the original whenever r is farther than
 *     7.7e-6 S_f from the threshold 1e-3 M_f. M_f, the max over the whole window, is &gt;= S_f when the
 *     sample is drawn from the window, so the undecided band is at most +-7.7e-6 in r / M_f:
 *     +-0.77% of the threshold.</li>
 * <li>Active fractions travel as one sum per filter over the N samples, rounded once to float.</li>
 * <li>Each filter's codes travel sorted: the sample keeps every filter's distribution over the N
 *     samples, not which sample gave which response.</li>
 * </ul>
 *
 * <h2>Non-finite values</h2>
 * Measured per-filter values may be NaN or Inf and are carried bit for bit, so a diverging run
 * reaches the probe. Configuration and structure (rates and coefficients, counts, dimensions, scales,
 * sampled responses) must be finite and in range: {@link #encode} throws
 * {@link IllegalArgumentException} for a snapshot that breaks a rule, {@link #decode} throws
 * {@link SnapshotFormatException} for a record that does. Sampled responses must be finite and &gt;= 0;
 * build them with {@link ResponseSample#sanitised}.
 *
 * <h2>Decoded samples stay quantised</h2>
 * {@link #decode} returns the sample as a {@link QuantisedSample}: the codes are validated but not
 * turned into floats, because the probe decides both tests on codes (see
 * {@link ResponseQuantisation#firstCodeNotBelow} and {@link ResponseQuantisation#countBelow});
 * {@link QuantisedSample#responses()} decodes on demand.
 *
 * <p>Thread-safe and stateless. Encoding writes one exactly-sized array; decoding allocates only the
 * snapshot's own arrays (a version-1 or -2 record also one N x C array of codes, to sort them into
 * columns, and version 1 an N x C float array for its fractions).
 */
public final class SnapshotCodec {
    public static final int MAGIC = WireFormat.MAGIC; // "FWS1"
    public static final int VERSION = WireFormat.VERSION;
    /** Largest filter count C a record may carry. */
    public static final int MAX_FILTERS = WireFormat.MAX_FILTERS;
    /** Largest number N of sampled responses per filter. */
    public static final int MAX_SAMPLES = WireFormat.MAX_SAMPLES;
    /** Longest run id, layer name or optimizer name, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = WireFormat.MAX_STRING_BYTES;

    private SnapshotCodec() {
    }

    /**
     * @throws IllegalArgumentException if the snapshot breaks a rule of the format (the message says which)
     */
    public static byte[] encode(LayerSnapshot snapshot) {
        return SnapshotWriter.encode(snapshot);
    }

    /** @throws SnapshotFormatException if the record is not a valid snapshot (version 1 or 2) (the message says why) */
    public static LayerSnapshot decode(byte[] record) {
        if (record == null) {
            throw new SnapshotFormatException("null record");
        }
        return decode(ByteBuffer.wrap(record));
    }

    /**
     * Decodes the bytes from {@code record}'s position to its limit; the buffer's position, limit and
     * byte order are left untouched.
     *
     * @throws SnapshotFormatException if the record is not a valid snapshot (version 1 or 2) (the message says why)
     */
    public static LayerSnapshot decode(ByteBuffer record) {
        if (record == null) {
            throw new SnapshotFormatException("null record");
        }
        try {
            return SnapshotReader.decode(record);
        } catch (SnapshotFormatException e) {
            throw e;
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            // Not expected (every read is checked first), but the contract is one exception type.
            throw new SnapshotFormatException("malformed record: " + e, e);
        }
    }

    /** The snapshot as it reads back after a round trip: the same, with the sample in wire form. */
    public static LayerSnapshot quantised(LayerSnapshot snapshot) {
        return new LayerSnapshot(snapshot.context(), snapshot.layer(), snapshot.params(), snapshot.gradients(),
                snapshot.activity(), snapshot.sample().quantised(snapshot.filterCount()));
    }

    /**
     * Exact encoded size in bytes.
     *
     * @param utf8StringBytes UTF-8 bytes of run id, layer name and optimizer together
     */
    public static int encodedSize(int filterCount, int sampleCount, boolean secondMoments, int utf8StringBytes) {
        long c = filterCount;
        long size = WireFormat.FIXED_HEADER_BYTES + 3 * 2 + utf8StringBytes
                + c * (WireFormat.COLUMN_BYTES_PER_FILTER + (secondMoments ? WireFormat.SECOND_MOMENT_BYTES_PER_FILTER : 0));
        if (sampleCount > 0) {
            size += WireFormat.SAMPLE_PREFIX_BYTES + WireFormat.SAMPLE_BYTES_PER_FILTER * c
                    + (long) WireFormat.BYTES_PER_SAMPLED_RESPONSE * sampleCount * c;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a snapshot of C=" + filterCount + ", N=" + sampleCount + " needs " + size + " bytes");
        }
        return (int) size;
    }
}
