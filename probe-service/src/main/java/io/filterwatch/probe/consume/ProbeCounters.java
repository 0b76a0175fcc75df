package io.filterwatch.probe.consume;

import java.util.concurrent.atomic.LongAdder;

/** Running totals for the status endpoint; shared by every partition of an instance. */
public final class ProbeCounters {
    public final LongAdder records = new LongAdder();
    public final LongAdder replayed = new LongAdder();
    public final LongAdder snapshots = new LongAdder();
    public final LongAdder filterStats = new LongAdder();
    public final LongAdder layerStats = new LongAdder();
    public final LongAdder deadLetters = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    /** Snapshots that came after their step was merged and were folded into the window. */
    public final LongAdder placedLate = new LongAdder();
    public final LongAdder restarts = new LongAdder();
}
