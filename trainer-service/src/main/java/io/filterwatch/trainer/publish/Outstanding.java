package io.filterwatch.trainer.publish;

import java.util.concurrent.atomic.AtomicLong;

/** Records handed over and not yet acknowledged or given up; a flush waits for it to reach zero. */
final class Outstanding {
    private final AtomicLong count = new AtomicLong();

    void add() {
        count.incrementAndGet();
    }

    void done() {
        count.decrementAndGet();
    }

    long get() {
        return count.get();
    }

    /** Waits until nothing is outstanding, up to the timeout; false when time ran out. */
    boolean awaitNone(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count.get() > 0) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
