package io.filterwatch.probe.state;

/**
 * Learns the samples of one epoch from the stream: the samples of every merged snapshot whose
 * epoch is e, summed, once a snapshot of epoch e+1 shows up and epoch e was seen from its start
 * (e = 0, or epoch e-1 was seen before). A snapshot straddling the boundary counts for the new
 * epoch: the learned size is exact to one snapshot interval.
 */
final class EpochTracker {
    private int epoch = -1;
    private long samplesInEpoch;
    private boolean sawStart;
    private long learned;

    void observe(int snapshotEpoch, long samples) {
        if (epoch < 0) {
            epoch = snapshotEpoch;
            sawStart = snapshotEpoch == 0;
            samplesInEpoch = samples;
            return;
        }
        if (snapshotEpoch > epoch) {
            if (sawStart && learned == 0 && snapshotEpoch == epoch + 1) {
                learned = samplesInEpoch;
            }
            sawStart = snapshotEpoch == epoch + 1;
            epoch = snapshotEpoch;
            samplesInEpoch = samples;
        } else {
            samplesInEpoch += samples;
        }
    }

    /**
     * Samples of a snapshot that came after its step was merged: they count for the epoch being
     * learned if they belong to it (an older epoch is already decided).
     */
    void observeLate(int snapshotEpoch, long samples) {
        if (snapshotEpoch == epoch) {
            samplesInEpoch += samples;
        }
    }

    /** Samples per epoch, 0 while unknown. */
    long learnedEpochSamples() {
        return learned;
    }
}
