package io.duplex.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A per-loop pool of equally sized direct buffers for outgoing batches. Buffers come back on every
 * path, errors included (invariant 4 in docs/ARCHITECTURE.md); beyond {@code maxPooled} they are left to the GC.
 *
 * <p>Threading: confined to its event loop.
 */
public final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final OutboundBudget budget;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long outstanding;
    /**
     * Scratch array for one gathering write at a time, shared by the loop's connections (it is
     * emptied after each write) so that a connection does not carry its own.
     */
    private final ByteBuffer[] gather = new ByteBuffer[16];

    public BufferPool(int bufferSize, int maxPooled, OutboundBudget budget) {
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
        this.budget = budget;
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
        outstanding++;
        budget.took(bufferSize);
        ByteBuffer b = free.pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(bufferSize);
    }

    public void release(ByteBuffer b) {
        outstanding--;
        budget.returned(bufferSize);
        if (free.size() < maxPooled) {
            free.addFirst(b);
        }
    }

    /** Buffers taken and not yet released (0 when every connection is idle). */
    public long outstanding() {
        return outstanding;
    }
}
