package io.filterwatch.protocol;

/**
 * Constants of the binary snapshot format, version 3: fixed offsets, flag bits and the bounds the
 * decoder enforces. {@code docs/protocol.md} is the prose version of this class; keep them in step.
 */
final class WireFormat {
    static final int MAGIC = 0x46575331; // "FWS1"
    static final int VERSION = 3;
    /**
     * Earlier versions, still read (a days-long run keeps its trainers while the probe is upgraded).
     * Version 2 sends the response codes row-major N x C, in sample order; version 1 also, followed by
     * N x C u8 active-fraction codes (a = k / 255) instead of the per-filter sums. The decoder sorts
     * their codes into version 3's order, so every consumer sees one form.
     */
    static final int VERSION_2 = 2;
    static final int VERSION_1 = 1;

    static final int FLAG_SECOND_MOMENTS = 1;
    static final int FLAG_SAMPLE = 1 << 1;
    static final int KNOWN_FLAGS = FLAG_SECOND_MOMENTS | FLAG_SAMPLE;

    /** Bytes of the fixed-size header, magic to samplesSeen (offsets 0..91). */
    static final int FIXED_HEADER_BYTES = 92;

    static final int MAX_FILTERS = 65_536;
    static final int MAX_SAMPLES = 4_096;
    static final int MAX_MAP_SIDE = 65_536;
    static final int MAX_STRING_BYTES = 256;

    /** Bytes per filter of the always-present columns: paramCount, flops, 6 x f32, maxResponse, activeCount, responseSum. */
    static final int COLUMN_BYTES_PER_FILTER = 4 + 8 + 6 * 4 + 4 + 8 + 8;
    /** Bytes per filter of the optional second-moment columns (rmsGamma, rmsBeta, rmsWeight). */
    static final int SECOND_MOMENT_BYTES_PER_FILTER = 3 * 4;
    /** Sample section: N (i32) and nonFiniteCount (i32) before the per-filter columns. */
    static final int SAMPLE_PREFIX_BYTES = 8;
    /** Sample section, per filter: the scale S_f (f32) and the active-fraction sum (f32). */
    static final int SAMPLE_BYTES_PER_FILTER = 2 * 4;
    /** Bytes per sampled response: its u16 code. */
    static final int BYTES_PER_SAMPLED_RESPONSE = 2;

    private WireFormat() {
    }
}
