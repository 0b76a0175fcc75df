package io.filterwatch.probe.state;

import static io.filterwatch.probe.Snapshots.f;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.filterwatch.probe.Snapshots;
import io.filterwatch.protocol.LayerSnapshot;

/** Merging the workers of one data-parallel run, worked by hand for C = 2, two workers. */
class WorkerMergeTest {

    private static Snapshots worker(int rank, long step) {
        return Snapshots.layer(2).rank(rank).step(step);
    }

    @Test
    void mergesAggregatesAndGradientsAndWaitsForTheFirstNewerStep() {
        WorkerMerge merge = new WorkerMerge(0);
        LayerSnapshot r0 = worker(0, 100).gamma(0.5f, 0.6f).gradGamma(1f, 3f).gradWeight(2f, 2f)
                .samples(10).max(1f, 0f).active(4, 0).sum(2, 0)
                .sample(1, f(1f, 0f), f(0.5f, 0f)).build();
        LayerSnapshot r1 = worker(1, 100).gamma(9f, 9f).gradGamma(3f, -1f).gradWeight(4f, 0f)
                .samples(6).max(0.5f, 0.25f).active(6, 1).sum(3, 0.25)
                .sample(1, f(0.5f, 0.25f), f(1f, 0.1f)).build();
        // W unknown on the first step: nothing is ready until a newer step shows up
        assertThat(merge.offer(r0).ready()).isEmpty();
        assertThat(merge.offer(r1).ready()).isEmpty();
        WorkerMerge.Result r = merge.offer(worker(0, 200).build());
        assertThat(r.ready()).hasSize(1);
        WorkerMerge.Merged m = r.ready().get(0);
        assertThat(m.workers()).isEqualTo(2);
        LayerSnapshot s = m.snapshot();
        // parameters from rank 0
        assertThat(s.params().gamma()).containsExactly(0.5f, 0.6f);
        // gradients averaged: (1+3)/2 = 2, (3-1)/2 = 1; norms (2+4)/2 = 3, (2+0)/2 = 1
        assertThat(s.gradients().gradGamma()).containsExactly(2f, 1f);
        assertThat(s.gradients().gradWeightNorm()).containsExactly(3f, 1f);
        // samples 10 + 6; max per filter; counts and sums added
        assertThat(s.activity().samplesSeen()).isEqualTo(16);
        assertThat(s.activity().maxResponse()).containsExactly(1f, 0.25f);
        assertThat(s.activity().activeCount()).containsExactly(10, 1);
        assertThat(s.activity().responseSum()).containsExactly(5.0, 0.25);
        // the workers' rows side by side in rank order, each in wire form with its own scales
        assertThat(s.sample().sampleCount()).isZero();
        assertThat(m.samples()).hasSize(2);
        assertThat(m.samples().get(0).responses()).containsExactly(1f, 0f);
        assertThat(m.samples().get(1).responses()).containsExactly(0.5f, 0.25f);
        assertThat(m.samples().get(1).scales()).containsExactly(0.5f, 0.25f);
        assertThat(merge.expectedWorkers()).isEqualTo(2);
        // step 200 now completes as soon as rank 1 arrives
        assertThat(merge.offer(worker(1, 200).build()).ready()).hasSize(1);
        assertThat(merge.hasPending()).isFalse();
    }

    @Test
    void duplicatesAreDroppedAndLateWorkersRejected() {
        WorkerMerge merge = new WorkerMerge(2);
        merge.offer(worker(0, 100).build());
        assertThat(merge.offer(worker(0, 100).build()).duplicate()).isTrue();
        assertThat(merge.offer(worker(1, 100).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(1, 100).build()).duplicate()).isTrue();
        // step 200: rank 1 never comes, step 300 flushes 200 with one worker
        merge.offer(worker(0, 200).build());
        WorkerMerge.Result flushed = merge.offer(worker(0, 300).build());
        assertThat(flushed.ready()).hasSize(1);
        assertThat(flushed.ready().get(0).workers()).isEqualTo(1);
        // older than the pending step 300
        assertThat(merge.offer(worker(1, 200).build()).rejection()).startsWith("stale snapshot");
        assertThat(merge.offer(worker(1, 50).build()).rejection()).startsWith("stale snapshot");
    }

    @Test
    void aWorkerAfterItsStepWasMergedIsLate() {
        WorkerMerge merge = new WorkerMerge(1); // configured for one worker: rank 0 completes the step
        assertThat(merge.offer(worker(0, 100).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(1, 100).build()).rejection()).startsWith("late worker");
        // from now on two are expected (learned from the rank that showed up)
        assertThat(merge.offer(worker(0, 200).build()).ready()).isEmpty();
        assertThat(merge.offer(worker(1, 200).build()).ready()).hasSize(1);
    }
}
