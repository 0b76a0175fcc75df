package io.filterwatch.aggregator.runs;

/**
 * The run-level aggregate at one step: the sum over the run's layers of the latest layer summary at
 * or before that step. {@code deadFraction} is the paper's headline share of dead filters;
 * {@code silent} (the early warning) is not part of it.
 */
public record RunStats(
        String runId,
        long step,
        long wallClockMillis,
        int layers,
        int filters,
        int alive,
        int dying,
        int dead,
        int deadByActivation,
        int deadByScale,
        int silent,
        boolean complete) {

    public double deadFraction() {
        return filters == 0 ? 0.0 : (double) dead / filters;
    }

    public double deadByActivationFraction() {
        return filters == 0 ? 0.0 : (double) deadByActivation / filters;
    }

    public double deadByScaleFraction() {
        return filters == 0 ? 0.0 : (double) deadByScale / filters;
    }
}
