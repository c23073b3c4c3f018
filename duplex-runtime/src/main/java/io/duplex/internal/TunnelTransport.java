package io.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A transport that opens a tunnel through a proxy in its {@link #handshake()} ({@link ProxyTunnel}:
 * HTTP CONNECT; {@link Socks5Tunnel}: SOCKS5) and from then on is the transport inside it (plain,
 * or TLS end to end with the WebSocket server): everything but the handshake is passed through.
 *
 * <p>Threading: confined to the connection's event loop.
 */
abstract class TunnelTransport implements Transport {
    /** The transport inside the tunnel. */
    protected final Transport inner;

    TunnelTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public SocketChannel channel() {
        return inner.channel();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inner.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return inner.write(srcs, offset, length);
    }

    @Override
    public boolean flush() throws IOException {
        return inner.flush();
    }

    @Override
    public boolean hasPendingWrites() {
        return inner.hasPendingWrites();
    }

    @Override
    public boolean hasBufferedReads() {
        return inner.hasBufferedReads();
    }

    @Override
    public void shutdownOutput() {
        inner.shutdownOutput();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public void closeAfterDeregistration(EventLoop loop) {
        inner.closeAfterDeregistration(loop);
    }

    @Override
    public String tlsProtocol() {
        return inner.tlsProtocol();
    }
}
