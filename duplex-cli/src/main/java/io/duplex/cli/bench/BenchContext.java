package io.duplex.cli.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared state of one {@code duplex bench} run: its clock (nanoseconds since the origin, the
 * unit of the payload stamps), the measurement window, the stop signal, per-thread {@link
 * LoopStats} and the error count with the first error's description.
 *
 * <p>Threading: safe from any thread; the window and the stop signal are volatile.
 */
final class BenchContext {
    private final long origin = System.nanoTime();
    private final Map<Thread, LoopStats> stats = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean sending = true;
    private volatile double clientCpu = Double.NaN;

    /** Nanoseconds since the run began: never negative, so stamps can use a sign as a flag. */
    long now() {
        return System.nanoTime() - origin;
    }

    /** Sets the window in which receipts are measured, in {@link #now()} units. */
    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    long windowStart() {
        return windowStart;
    }

    long windowEnd() {
        return windowEnd;
    }

    boolean inWindow(long t) {
        return t >= windowStart && t < windowEnd;
    }

    /** Whether new messages (or connections) may still be started. */
    boolean sending() {
        return sending;
    }

    void stopSending() {
        sending = false;
    }

    /** The stats of the calling thread (an event loop), created on first use. */
    LoopStats stats() {
        return stats.computeIfAbsent(Thread.currentThread(), t -> new LoopStats());
    }

    Collection<LoopStats> allStats() {
        return List.copyOf(stats.values());
    }

    /** Counts an error; the first one's description is kept for the report. */
    void error(String description) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, description);
    }

    /** Cores this process used during the window (CPU time / wall time), measured by the timeline. */
    void clientCpu(double cores) {
        clientCpu = cores;
    }

    double clientCpu() {
        return clientCpu;
    }

    /** Broadcast: the publisher sent a message stamped inside the window. */
    void published() {
        published.incrementAndGet();
    }

    long publishedInWindow() {
        return published.get();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError.get();
    }

    /** Receipts so far, in and out of the window (for the live rate). */
    long received() {
        long n = 0;
        for (LoopStats s : stats.values()) {
            n += s.received();
        }
        return n;
    }
}
