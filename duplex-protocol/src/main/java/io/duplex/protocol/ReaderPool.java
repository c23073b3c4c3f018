package io.duplex.protocol;

/**
 * Receive state (a frame parser and its message reader) lent to engines for the length of one
 * {@link Protocol#receive} call, so that a connection between messages holds none of it.
 *
 * <p>An engine built with a pool takes a reader when bytes arrive and gives it back when the call
 * ends with nothing of a frame or a message pending (or once the connection is closing); only a
 * message split across reads keeps its reader until its last byte. Engines that one thread drives
 * one after another (the connections of an event loop) therefore share one or two readers instead
 * of holding ~180 bytes each while idle, and a frame that arrives whole still costs no allocation
 * (invariant 6 in docs/ARCHITECTURE.md): taking and giving are array operations.
 *
 * <p>Threading: not thread-safe. One pool serves the engines of one thread only (an event loop's),
 * as the shared header scratch does.
 */
public final class ReaderPool {
    private final MessageReader[] free;
    private int size;

    /**
     * @param capacity how many idle readers are kept; more given back at once go to the garbage
     *     collector (a burst of split messages), fewer only means a reader is made anew
     */
    public ReaderPool(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.free = new MessageReader[capacity];
    }

    /** Idle readers held now. */
    public int idle() {
        return size;
    }

    MessageReader take() {
        if (size == 0) {
            MessageReader r = new MessageReader();
            r.pooled = true;
            return r;
        }
        MessageReader r = free[--size];
        free[size] = null;
        return r;
    }

    void give(MessageReader reader) {
        reader.unbind();
        if (size < free.length) {
            free[size++] = reader;
        }
    }
}
