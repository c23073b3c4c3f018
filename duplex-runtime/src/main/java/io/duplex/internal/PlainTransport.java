package io.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Plain TCP: the socket itself.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class PlainTransport implements Transport {
    private final SocketChannel channel;

    public PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public HandshakeStatus handshake() {
        return HandshakeStatus.DONE;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public boolean hasBufferedReads() {
        return false;
    }

    @Override
    public void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // The peer may be gone already; closing follows.
        }
    }

    @Override
    public void closeAfterDeregistration(EventLoop loop) {
        loop.closeDeregistered(channel);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to do for a socket that fails to close.
        }
    }
}
