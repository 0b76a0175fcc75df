package io.filterwatch.protocol;

/**
 * Binary encoding of {@link LayerSnapshot}, version 1. Layout: {@code docs/protocol.md}.
 * TODO(protocol owner): implement.
 */
public final class SnapshotCodec {
    public static final int MAGIC = 0x46575331; // "FWS1"
    public static final int VERSION = 1;

    private SnapshotCodec() {
    }

    public static byte[] encode(LayerSnapshot snapshot) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static LayerSnapshot decode(byte[] record) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
