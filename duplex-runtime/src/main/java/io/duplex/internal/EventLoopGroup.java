package io.duplex.internal;

import io.duplex.MetricsListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N event loops (default: one per core); connections are spread over them round-robin.
 *
 * <p>Threading: safe from any thread.
 */
public final class EventLoopGroup {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Bytes one read takes from a socket, into a buffer each loop shares among its connections.
     * Large enough that a 64 KiB message (or several) arrives whole and is handed to the handler
     * as a view of this buffer; with 64 KiB every such frame (65,550 bytes with its header) was
     * split across reads and so copied into a message buffer. uWebSockets reads 512 KiB at a
     * time too. One per loop, so the cost does not grow with connections.
     */
    static final int READ_BUFFER_SIZE = 512 * 1024;

    /** {@code budget}: the outbound memory all the group's connections may hold together. */
    public EventLoopGroup(String name, int size, Duration tick, OutboundBudget budget) {
        this(name, size, tick, budget, null);
    }

    /** As above; {@code metrics} (or null) is told each loop pass's working time. */
    public EventLoopGroup(String name, int size, Duration tick, OutboundBudget budget, MetricsListener metrics) {
        if (size < 1) {
            throw new IllegalArgumentException("at least one event loop");
        }
        int group = GROUPS.incrementAndGet();
        loops = new EventLoop[size];
        for (int i = 0; i < size; i++) {
            loops[i] =
                    new EventLoop(name + "-" + group + "-loop-" + i, tick.toNanos(), READ_BUFFER_SIZE, budget, metrics);
            loops[i].start();
        }
    }

    public EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    public EventLoop[] loops() {
        return loops.clone();
    }

    /** Stops every loop and waits for their threads to end, at most {@code timeout}. */
    public void shutdown(Duration timeout) {
        CompletableFuture<?>[] done = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            done[i] = loops[i].shutdown();
        }
        try {
            CompletableFuture.allOf(done).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Loops that do not stop in time are daemon-free threads ending on their own.
        }
    }
}
