package io.filterwatch.trainer.publish;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded hand-over from the training thread to the publishing thread. {@link #offer} never
 * blocks: when the buffer is full the oldest element is dropped (the newest state of a layer is
 * worth more than an old one) and counted.
 */
final class DropOldestBuffer<T> {

    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    DropOldestBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    /** Adds {@code item}; returns the element dropped to make room, or null. */
    T offer(T item) {
        lock.lock();
        try {
            T dropped = items.size() >= capacity ? items.pollFirst() : null;
            items.addLast(item);
            notEmpty.signal();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest element, waiting up to the timeout; null if none came. */
    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }
}
