package io.filterwatch.trainer.data;

import java.util.Random;

/**
 * Which samples make up batch b of epoch e: a permutation seeded by (seed, epoch), cut into
 * full batches (the ragged tail is dropped so every step has the same batch size). A pure
 * function of (seed, epoch, b), so a run resumed at step s sees the batches it would have seen.
 */
public final class BatchOrder {

    private final int size;
    private final int batchSize;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] permutation;

    public BatchOrder(int size, int batchSize, long seed) {
        if (size < batchSize) {
            throw new IllegalArgumentException("dataset has " + size + " samples, fewer than one batch of " + batchSize);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchesPerEpoch() {
        return size / batchSize;
    }

    public int[] batch(int epoch, int index) {
        if (epoch != cachedEpoch) {
            permutation = permutation(epoch);
            cachedEpoch = epoch;
        }
        int[] out = new int[batchSize];
        System.arraycopy(permutation, index * batchSize, out, 0, batchSize);
        return out;
    }

    private int[] permutation(int epoch) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        Random r = new Random(seed * 1_000_003L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
