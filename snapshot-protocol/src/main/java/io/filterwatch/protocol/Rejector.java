package io.filterwatch.protocol;

/**
 * Turns a rule violation into the right exception: the encoder rejects its argument with
 * {@link IllegalArgumentException}, the decoder rejects its input with {@link SnapshotFormatException}.
 * Passing one of these to {@link WireRules} lets both sides share every rule, so anything the encoder
 * accepts the decoder accepts too.
 */
@FunctionalInterface
interface Rejector {
    Rejector ENCODER = IllegalArgumentException::new;
    Rejector DECODER = SnapshotFormatException::new;

    RuntimeException reject(String message);
}
