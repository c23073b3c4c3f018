package io.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bytes {@link TlsTransport} received but has not delivered: records not unwrapped yet and
 * decrypted bytes the reader had no room for. During one call, unwrap reads from {@link #net()}:
 * the connection's own leftover buffer if it has one, else the thread's scratch buffer; at the end
 * of the call ({@link #end}) what is left is kept in a buffer of the connection's own, which is
 * dropped as soon as it is empty. An idle connection thus holds nothing here.
 *
 * <p>Threading: confined to the connection's event loop.
 */
final class TlsInbound {
    private final SocketChannel channel;
    /** Received records not unwrapped yet (read mode); null when none. */
    private ByteBuffer kept;
    /** Decrypted bytes the reader had no room for (read mode); null when none. */
    private ByteBuffer plain;
    /** What unwrap reads from during one call: {@link #kept} or the thread's scratch. */
    private ByteBuffer net;

    private boolean netIsScratch;

    TlsInbound(SocketChannel channel) {
        this.channel = channel;
    }

    /** Starts a call: {@link #net()} is the kept bytes, or an empty scratch buffer. */
    void begin(TlsScratch scratch, int packetSize) {
        netIsScratch = kept == null;
        net = netIsScratch ? scratch.netIn(packetSize) : kept;
    }

    /** The buffer (read mode) unwrap reads from during this call. */
    ByteBuffer net() {
        return net;
    }

    /** Ends a call, keeping what unwrap left: part of a record, or records the reader had no room for. */
    void end(int packetSize) {
        ByteBuffer left = net;
        net = null;
        if (left == null || !left.hasRemaining()) {
            kept = null;
        } else if (netIsScratch) {
            kept = ByteBuffer.allocate(Math.max(packetSize, left.remaining()));
            kept.put(left).flip();
        } else {
            kept = left;
        }
    }

    /** Reads from the socket behind the unread bytes of {@link #net()}; bytes read or -1. */
    int read(int packetSize) throws IOException {
        ByteBuffer in = net.compact();
        if (!in.hasRemaining()) {
            // A record longer than the buffer (the packet size grew): move to a bigger one.
            in = ByteBuffer.allocate(Math.max(packetSize, in.capacity() * 2)).put(in.flip());
            net = in;
            netIsScratch = false;
        }
        try {
            return channel.read(in);
        } finally {
            in.flip();
        }
    }

    /** Keeps decrypted bytes (write mode) the reader had no room for. */
    void keepPlain(ByteBuffer decrypted) {
        decrypted.flip();
        if (decrypted.hasRemaining()) {
            plain = TlsScratch.keep(plain, decrypted);
        }
    }

    /** @return true when {@code dst} filled up before the kept plaintext ran out */
    boolean drainPlain(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), plain.remaining());
        dst.put(dst.position(), plain, plain.position(), n).position(dst.position() + n);
        plain.position(plain.position() + n);
        if (plain.hasRemaining()) {
            return true;
        }
        plain = null;
        return false;
    }

    boolean hasPlain() {
        return plain != null;
    }

    /** Records (or part of one) wait in a buffer of the connection's own. */
    boolean hasKept() {
        return kept != null;
    }

    int ownedCapacity() {
        return (kept == null ? 0 : kept.capacity()) + (plain == null ? 0 : plain.capacity());
    }

    void release() {
        kept = null;
        plain = null;
        net = null;
    }
}
