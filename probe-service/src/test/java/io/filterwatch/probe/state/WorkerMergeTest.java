package io.filterwatch.probe.state;

import static io.filterwatch.probe.SnapshotBuilder.f;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.filterwatch.probe.SnapshotBuilder;
import io.filterwatch.protocol.LayerSnapshot;

/** Merging the workers of one data-parallel run, worked by hand for C = 2, two workers. */
class WorkerMergeTest {

    private static SnapshotBuilder worker(int rank, long step) {
        return SnapshotBuilder.layer(2).rank(rank).step(step);
    }

    @Test
    void mergesAggregatesAndGradientsOnceMoreThanDStepsWaitAtTheStart() {
        WorkerMerge merge = new WorkerMerge(0, 2);
        LayerSnapshot r0 = worker(0, 100).gamma(0.5f, 0.6f).gradGamma(1f, 3f).gradWeight(2f, 2f)
                .samples(10).max(1f, 0f).active(4, 0).sum(2, 0)
                .sample(1, f(1f, 0f), f(0.5f, 0f)).build();
        LayerSnapshot r1 = worker(1, 100).gamma(9f, 9f).gradGamma(3f, -1f).gradWeight(4f, 0f)
                .samples(6).max(0.5f, 0.25f).active(6, 1).sum(3, 0.25)
                .sample(1, f(0.5f, 0.25f), f(1f, 0.1f)).build();
        // W is not trusted before the first merge: nothing is ready until more than D = 2 steps wait
        assertThat(merge.offer(r0).ready()).isEmpty();
        assertThat(merge.offer(worker(0, 200).build()).ready()).isEmpty();
        assertThat(merge.offer(r1).ready()).isEmpty(); // rank 1 a round behind
        WorkerMerge.Result r = merge.offer(worker(0, 300).build());
        assertThat(r.ready()).hasSize(1);
        WorkerMerge.Merged m = r.ready().get(0);
        assertThat(m.workers()).isEqualTo(2);
        LayerSnapshot s = m.snapshot();
        assertThat(s.context().step()).isEqualTo(100);
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
        // from now on a step is merged as soon as both workers are there, in step order
        WorkerMerge.Result r200 = merge.offer(worker(1, 200).build());
        assertThat(r200.ready()).extracting(x -> x.snapshot().context().step()).containsExactly(200L);
        assertThat(r200.ready().get(0).workers()).isEqualTo(2);
        assertThat(merge.offer(worker(1, 300).build()).ready()).hasSize(1);
        assertThat(merge.hasPending()).isFalse();
    }

    @Test
    void anOvertakenStepIsWaitedForAndStepsLeaveInOrder() {
        WorkerMerge merge = new WorkerMerge(1, 2);
        assertThat(merge.offer(worker(0, 100).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(0, 200).build()).ready()).hasSize(1); // interval 100 learned
        // 400 comes before 300: 400 - 200 > 100, so 300 may still be on its way
        assertThat(merge.offer(worker(0, 400).build()).ready()).isEmpty();
        assertThat(merge.offer(worker(0, 300).build()).ready())
                .extracting(x -> x.snapshot().context().step()).containsExactly(300L, 400L);
        // a step that never comes (the trainer dropped 500): the wait ends when more than D = 2 steps wait
        assertThat(merge.offer(worker(0, 600).build()).ready()).isEmpty();
        assertThat(merge.offer(worker(0, 700).build()).ready()).isEmpty();
        assertThat(merge.offer(worker(0, 800).build()).ready())
                .extracting(x -> x.snapshot().context().step()).containsExactly(600L, 700L, 800L);
        // a last step closer than the interval (the run's final step) is merged at once
        assertThat(merge.offer(worker(0, 822).build()).ready()).hasSize(1);
    }

    @Test
    void duplicatesAreDroppedAndSnapshotsOfMergedStepsComeBackAsLate() {
        WorkerMerge merge = new WorkerMerge(2, 2);
        merge.offer(worker(0, 100).build());
        assertThat(merge.offer(worker(0, 100).build()).duplicate()).isTrue();
        assertThat(merge.offer(worker(1, 100).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(1, 100).build()).duplicate()).isTrue();
        // rank 1 falls more than D steps behind: 200 is merged with rank 0 alone
        merge.offer(worker(0, 200).build());
        merge.offer(worker(0, 300).build());
        WorkerMerge.Result flushed = merge.offer(worker(0, 400).build());
        assertThat(flushed.ready()).extracting(x -> x.snapshot().context().step()).containsExactly(200L);
        assertThat(flushed.ready().get(0).workers()).isEqualTo(1);
        // its snapshot of 200 is handed back to be folded in, once; a second copy is a duplicate
        LayerSnapshot late = worker(1, 200).build();
        WorkerMerge.Result r = merge.offer(late);
        assertThat(r.late()).isSameAs(late);
        assertThat(r.ready()).isEmpty();
        assertThat(merge.offer(worker(1, 200).build()).duplicate()).isTrue();
        // a step older than anything merged also comes back as late (the layer decides if it fits)
        assertThat(merge.offer(worker(1, 50).build()).late()).isNotNull();
        // 300 and 400 still wait for rank 1
        assertThat(merge.offer(worker(1, 300).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(1, 400).build()).ready()).hasSize(1);
    }

    @Test
    void aConfiguredWorkerCountIsTrustedFromTheFirstStep() {
        WorkerMerge merge = new WorkerMerge(1, 2); // one worker: rank 0 completes the step
        assertThat(merge.offer(worker(0, 100).build()).ready()).hasSize(1);
        assertThat(merge.offer(worker(1, 100).build()).late()).isNotNull();
        // from now on two are expected (learned from the rank that showed up)
        assertThat(merge.offer(worker(0, 200).build()).ready()).isEmpty();
        assertThat(merge.offer(worker(1, 200).build()).ready()).hasSize(1);
    }
}
