package io.filterwatch.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.filterwatch.load.LatencyTracker.Round;

/** The steady-state and settled windows of the fleet load's latency, on rounds made by hand. */
class LatencyTrackerTest {

    private static final long S = 1_000_000_000L;

    /** A round published at {@code at} seconds that took {@code took} seconds. */
    private static Round round(boolean first, double at, double took) {
        long published = (long) (at * S);
        return new Round(first, published, published + (long) (took * S));
    }

    @Test
    void settledWindowStartsWhenTheStartsBacklogIsInAndKeepsOnlyRoundsPublishedAfter() {
        List<Round> rounds = new ArrayList<>();
        rounds.add(round(true, 0, 40));    // run a's first: in at 40 s
        rounds.add(round(true, 15, 50));   // run b's first: in at 65 s
        rounds.add(round(false, 30, 30));  // published before 65 s, queued behind the bursts: the start's backlog
        rounds.add(round(false, 45, 21));
        rounds.add(round(false, 60, 8));   // the backlog's last, in at 68 s
        rounds.add(round(false, 66, 6));   // published after 65 s but before 68 s, queued behind it: in at 72 s,
                                           // nothing earlier is missing then: the fleet has settled
        rounds.add(round(false, 75, 0.5)); // published after 72 s: settled
        rounds.add(round(false, 90, 0.4));
        rounds.add(round(false, 105, 0.6));
        rounds.add(round(false, 120, 3.0));

        FleetReport.SteadyLatency l = LatencyTracker.steadyLatency(rounds, 2);

        assertThat(l.rounds()).isEqualTo(8);
        assertThat(l.p99()).isEqualTo(30.0, within(1e-9));
        assertThat(l.settledAfterSeconds()).isEqualTo(72.0, within(1e-9));
        assertThat(l.settledRounds()).isEqualTo(4);
        // nearest rank over {0.4, 0.5, 0.6, 3.0}: p50 is the 2nd, p99 the 4th
        assertThat(l.settledP50()).isEqualTo(0.5, within(1e-9));
        assertThat(l.settledP99()).isEqualTo(3.0, within(1e-9));
        assertThat(l.settledMax()).isEqualTo(3.0, within(1e-9));
        // halves by publication: {0.5, 0.4} and {0.6, 3.0}
        assertThat(l.settledEarlyP50()).isEqualTo(0.4, within(1e-9));
        assertThat(l.settledLateP50()).isEqualTo(0.6, within(1e-9));
    }

    @Test
    void noSettledWindowWhileARunsFirstRoundIsMissing() {
        List<Round> rounds = List.of(round(true, 0, 5), round(false, 30, 1), round(false, 60, 1));

        FleetReport.SteadyLatency l = LatencyTracker.steadyLatency(rounds, 2);

        assertThat(l.rounds()).isEqualTo(2);
        assertThat(l.settledAfterSeconds()).isNaN();
        assertThat(l.settledRounds()).isZero();
        assertThat(l.settledP99()).isNaN();
    }
}
