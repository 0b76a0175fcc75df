package io.filterwatch.probe.consume;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Running totals of an instance, shared by every partition: plain adders, so the processing code
 * and its tests need no registry; {@link #register} shows them on {@code /q/metrics} as
 * {@code filterwatch_probe_<name>_total} and the status endpoint reads them too.
 */
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

    /** Registers every total as a Micrometer counter that reads the adder. */
    public void register(MeterRegistry registry) {
        counter(registry, "records", records, "Snapshot records consumed, replayed ones included");
        counter(registry, "replayed", replayed, "Records recomputed on assignment without publishing");
        counter(registry, "snapshots", snapshots, "Snapshots decoded and offered to a layer's state");
        counter(registry, "filter.stats", filterStats, "FilterStat records published");
        counter(registry, "layer.stats", layerStats, "LayerStat records published");
        counter(registry, "dead.letters", deadLetters, "Records sent to the dead-letter topic");
        counter(registry, "duplicates", duplicates, "Exact repeats of a (step, worker) dropped");
        counter(registry, "placed.late", placedLate, "Snapshots folded into the window after their step was merged");
        counter(registry, "restarts", restarts, "Consumer loop restarts after a failure");
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder, String description) {
        FunctionCounter.builder("filterwatch.probe." + name, adder, LongAdder::sum).description(description)
                .register(registry);
    }
}
