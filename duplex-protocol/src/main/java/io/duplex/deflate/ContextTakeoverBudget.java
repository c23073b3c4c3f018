package io.duplex.deflate;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many connections may keep compression context between messages (RFC 7692 §7.1.1):
 * each such connection holds its own deflater and/or inflater for its whole life (measured: about
 * 114 KiB of native memory for both, see docs/performance.md). When the budget refuses, the
 * connection is negotiated without context takeover instead (as far as this end decides it, see
 * {@link PerMessageDeflate}); it never fails for it.
 *
 * <p>A connection acquires at most one permit and releases it exactly once, when its extension is
 * closed.
 *
 * <p>Threading: one budget serves every connection of a server or client, so implementations must
 * be thread-safe.
 */
public interface ContextTakeoverBudget {

    /** Takes a permit if one is available. */
    boolean tryAcquire();

    /** Gives back a permit taken by {@link #tryAcquire()}. */
    void release();

    /** A budget that never refuses. */
    static ContextTakeoverBudget unlimited() {
        return Unlimited.INSTANCE;
    }

    /** A budget of at most {@code permits} connections at a time. */
    static ContextTakeoverBudget limit(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative");
        }
        return new Limit(permits);
    }

    /** See {@link #unlimited()}. */
    enum Unlimited implements ContextTakeoverBudget {
        INSTANCE;

        @Override
        public boolean tryAcquire() {
            return true;
        }

        @Override
        public void release() {
            // Nothing is counted.
        }
    }

    /** See {@link #limit(int)}; {@link #available()} is for metrics. */
    final class Limit implements ContextTakeoverBudget {
        private final int permits;
        private final AtomicInteger used = new AtomicInteger();

        private Limit(int permits) {
            this.permits = permits;
        }

        @Override
        public boolean tryAcquire() {
            // Optimistic: at the limit, a racing acquire may be refused spuriously, never granted
            // one too many.
            if (used.incrementAndGet() > permits) {
                used.decrementAndGet();
                return false;
            }
            return true;
        }

        @Override
        public void release() {
            if (used.getAndDecrement() <= 0) {
                used.incrementAndGet();
                throw new IllegalStateException("release without a permit");
            }
        }

        /** Permits not taken now. */
        public int available() {
            return permits - used.get();
        }
    }
}
