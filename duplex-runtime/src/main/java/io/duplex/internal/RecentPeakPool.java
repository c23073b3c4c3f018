package io.duplex.internal;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Free objects of one event loop, kept by the rule its buffer and write-queue pools share: at
 * least {@code minPooled}, and as many as were out at once since the last {@link #trim()} (the
 * loop trims once per tick). A broadcast to 1,000 subscribers of one loop has 1,000 out at the end
 * of each pass and finds them again the next; an interval without such a peak gives the excess
 * back to the GC. Keeping the recent peak costs no memory the loop did not already hold at that
 * peak. Most recently used first, so a reused object's memory is warm.
 *
 * <p>Threading: confined to its event loop.
 */
final class RecentPeakPool<T> {
    private final int minPooled;
    private final Supplier<T> factory;
    private final ArrayDeque<T> free = new ArrayDeque<>();
    private long outstanding;
    /** The most objects out at once since the last {@link #trim()}. */
    private long peak;

    RecentPeakPool(int minPooled, Supplier<T> factory) {
        this.minPooled = minPooled;
        this.factory = factory;
    }

    /** A free object, or a new one. */
    T take() {
        if (++outstanding > peak) {
            peak = outstanding;
        }
        T t = free.pollFirst();
        return t != null ? t : factory.get();
    }

    /** Takes back an object that was taken; beyond what the pool keeps, it goes to the GC. */
    void release(T t) {
        outstanding--;
        if (free.size() + outstanding < Math.max(minPooled, peak)) {
            free.addFirst(t);
        }
    }

    /** An object that was taken and will not come back (it is kept by a closed connection). */
    void forget() {
        outstanding--;
    }

    /**
     * Gives the GC the free objects beyond the peak of the interval that just ended, and starts a
     * new interval.
     */
    void trim() {
        long keep = Math.max(minPooled, peak);
        while (!free.isEmpty() && free.size() + outstanding > keep) {
            free.pollLast(); // the least recently used: its memory is the coldest
        }
        peak = outstanding;
    }

    /** Free objects held for reuse. */
    int pooled() {
        return free.size();
    }

    /** Objects taken and not yet released. */
    long outstanding() {
        return outstanding;
    }
}
