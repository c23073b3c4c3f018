package io.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The encrypted side of {@link TlsTransport}'s writes: records go straight from the thread's
 * scratch buffer to the socket, and only what the socket does not take is copied into a buffer of
 * the connection's own (exactly its size), dropped once written. After close_notify, the TCP FIN
 * follows the last record.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class TlsOutbound {
    private final SocketChannel channel;
    /** Records the socket did not take yet (read mode); null when none. */
    private ByteBuffer pending;
    /** TCP FIN to send once {@link #pending} is written. */
    private boolean finPending;

    TlsOutbound(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Writes {@code out} (write mode) after what is already pending, keeps what the socket does not
     * take, and clears {@code out}.
     *
     * @return true when nothing is left pending
     */
    boolean send(ByteBuffer out) throws IOException {
        out.flip();
        try {
            if (pending == null || flush()) {
                writeToSocket(out);
            }
            if (out.hasRemaining()) {
                pending = TlsScratch.keep(pending, out);
            }
        } finally {
            out.clear();
        }
        return pending == null;
    }

    /**
     * Writes {@code out} (read mode) only if nothing is pending, dropping what the socket does not
     * take: for a last alert on a connection about to fail.
     */
    void sendIfIdle(ByteBuffer out) throws IOException {
        if (pending == null) {
            writeToSocket(out);
        }
    }

    /** Writes pending records, then the FIN if one was asked for. @return true when all is out */
    boolean flush() throws IOException {
        if (pending != null) {
            writeToSocket(pending);
            if (pending.hasRemaining()) {
                return false;
            }
            pending = null;
        }
        if (finPending) {
            finPending = false;
            channel.shutdownOutput();
        }
        return true;
    }

    /** Sends the TCP FIN after the pending records (on {@link #flush()}). */
    void finAfterRecords() {
        finPending = true;
    }

    boolean hasPending() {
        return pending != null || finPending;
    }

    int ownedCapacity() {
        return pending == null ? 0 : pending.capacity();
    }

    void release() {
        pending = null;
        finPending = false;
    }

    private void writeToSocket(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining() && channel.write(buffer) > 0) {
            // A short write means the socket buffer is full; the next write would return 0.
        }
    }
}
