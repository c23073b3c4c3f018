package io.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The byte pipe under a connection: plain TCP or TLS over {@code SSLEngine}. Everything above it
 * (HTTP upgrade, frames, timers) is the same code for {@code ws://} and {@code wss://}.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public interface Transport {

    /** What the transport needs before it can carry application bytes. */
    enum HandshakeStatus {
        DONE,
        NEED_READ,
        NEED_WRITE
    }

    SocketChannel channel();

    /**
     * Advances the transport's own handshake (TLS); plain TCP is always {@link
     * HandshakeStatus#DONE}. Called when the channel is readable or writable until DONE.
     *
     * @throws IOException when the handshake fails (e.g. certificate rejected)
     */
    HandshakeStatus handshake() throws IOException;

    /**
     * Reads available application bytes into {@code dst} (from its position).
     *
     * @return bytes read, 0 when none are available now, -1 at end of stream
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code srcs[offset, offset + length)} as the socket takes now, advancing
     * the buffers' positions. The transport may buffer bytes internally (TLS records); see {@link
     * #hasPendingWrites()}.
     *
     * @return the number of application bytes consumed
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Writes internally buffered bytes.
     *
     * @return true when nothing remains buffered inside the transport
     */
    boolean flush() throws IOException;

    /** True when the transport holds bytes it could not write yet. */
    boolean hasPendingWrites();

    /**
     * Whether application bytes may already be buffered inside the transport (decrypted but not
     * read), so the caller should call {@link #read} again without waiting for readiness.
     */
    boolean hasBufferedReads();

    /** Ends the outgoing direction (TLS close_notify, then TCP FIN), best effort. */
    void shutdownOutput();

    /** Closes the socket and frees any pooled buffers; idempotent. */
    void close();

    /**
     * {@link #close()} for a socket whose selection key was just cancelled on {@code loop}: frees
     * the buffers now and leaves the socket to {@link EventLoop#closeDeregistered}; idempotent.
     */
    void closeAfterDeregistration(EventLoop loop);

    /** The negotiated TLS protocol (e.g. {@code TLSv1.3}), or {@code null} for plain TCP. */
    default String tlsProtocol() {
        return null;
    }
}
