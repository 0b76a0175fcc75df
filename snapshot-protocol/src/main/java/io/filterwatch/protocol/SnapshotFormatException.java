package io.filterwatch.protocol;

/** The one exception the decoder throws for bad input; the message names what is wrong. */
public class SnapshotFormatException extends RuntimeException {
    public SnapshotFormatException(String message) {
        super(message);
    }

    public SnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
