package io.duplex.cli.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What one thread of {@code duplex bench} measured: every receipt (for the live rate), the
 * receipts and bytes inside the measurement window, and their latencies in nanoseconds. Each event
 * loop has its own, so recording needs no lock and no shared cache line.
 *
 * <p>Threading: one writer (the loop thread); the counters may be read from any thread at any
 * time (single-writer {@code lazySet}: no CAS, no fence on the hot path); the histogram only after
 * the writer has stopped, and after reading {@link #measured()}.
 */
final class LoopStats {
    /** Latencies above an hour are clamped (a stalled run, not a measurement). */
    static final long HIGHEST_NANOS = 3_600_000_000_000L;

    final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong measured = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** A receipt outside the window (warm-up, drain): counted for the live rate only. */
    void receipt() {
        received.lazySet(received.get() + 1);
    }

    /** A receipt inside the window, with its latency. */
    void measure(long latencyNanos, int size) {
        // Histogram first: a reader that sees the new count (release/acquire) sees the value too.
        latency.recordValue(Math.max(0, Math.min(latencyNanos, HIGHEST_NANOS)));
        bytes.lazySet(bytes.get() + size);
        received.lazySet(received.get() + 1);
        measured.lazySet(measured.get() + 1);
    }

    long received() {
        return received.get();
    }

    long measured() {
        return measured.get();
    }

    long bytes() {
        return bytes.get();
    }
}
