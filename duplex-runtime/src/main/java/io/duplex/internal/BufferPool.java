package io.duplex.internal;

import java.nio.ByteBuffer;

/**
 * A per-loop pool of equally sized direct buffers for outgoing batches. Buffers come back on every
 * path, errors included (invariant 4 in docs/ARCHITECTURE.md).
 *
 * <p>How many it keeps follows the load ({@link RecentPeakPool}): at least {@code minPooled}, and
 * as many as were out at once since the last {@link #trim()} (the loop trims once per tick). A broadcast to 1,000
 * subscribers of one loop holds 1,000 batches at the end of each pass; a fixed cap of a few hundred
 * made the rest fresh {@code allocateDirect} calls every pass (zeroed pages, a {@code Cleaner}
 * each, then young-GC work to free them: 47 % of the loop's CPU in a profile of that broadcast).
 * Keeping the recent peak costs no memory the loop did not already hold at that peak, and an
 * interval without such a peak gives the excess back to the GC.
 *
 * <p>Threading: confined to its event loop.
 */
public final class BufferPool {
    private final int bufferSize;
    private final OutboundBudget budget;
    private final RecentPeakPool<ByteBuffer> free;
    /**
     * Scratch array for one gathering write at a time, shared by the loop's connections (it is
     * emptied after each write) so that a connection does not carry its own.
     */
    private final ByteBuffer[] gather = new ByteBuffer[16];

    public BufferPool(int bufferSize, int minPooled, OutboundBudget budget) {
        this.bufferSize = bufferSize;
        this.budget = budget;
        this.free = new RecentPeakPool<>(minPooled, () -> ByteBuffer.allocateDirect(bufferSize));
    }

    /** The budget of the server or client this pool's loop belongs to. */
    public OutboundBudget budget() {
        return budget;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** The loop's gathering-write scratch array; null-filled between uses. */
    ByteBuffer[] gatherArray() {
        return gather;
    }

    public ByteBuffer take() {
        budget.took(bufferSize);
        return free.take().clear();
    }

    public void release(ByteBuffer b) {
        budget.returned(bufferSize);
        free.release(b);
    }

    /**
     * Gives the GC the free buffers beyond the peak of the interval that just ended, and starts a
     * new interval. Called by the loop once per tick.
     */
    void trim() {
        free.trim();
    }

    /** Free buffers held for reuse. */
    public int pooled() {
        return free.pooled();
    }

    /** Buffers taken and not yet released (0 when every connection is idle). */
    public long outstanding() {
        return free.outstanding();
    }
}
