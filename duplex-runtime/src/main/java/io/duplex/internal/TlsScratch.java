package io.duplex.internal;

import java.nio.ByteBuffer;

/**
 * Per-thread working buffers for {@link TlsTransport}, so that an idle TLS connection holds no
 * buffer of its own: a read, an unwrap or a wrap runs to completion inside one call, and only bytes
 * that must outlive the call (a partial record, undelivered plaintext, unsent records) are copied
 * into buffers owned by the connection.
 *
 * <p>Threading: each thread gets its own instance; an event loop thread keeps ~100 KiB here for all
 * of its connections. Heap buffers, because the JDK's {@code SSLEngine} is faster on heap buffers
 * than on direct ones.
 */
final class TlsScratch {
    /** Records wrapped before one socket write: fewer system calls for bulk data. */
    static final int WRITE_BATCH_RECORDS = 4;

    private static final ThreadLocal<TlsScratch> CURRENT = ThreadLocal.withInitial(TlsScratch::new);

    private ByteBuffer netIn = ByteBuffer.allocate(0);
    private ByteBuffer plain = ByteBuffer.allocate(0);
    private ByteBuffer netOut = ByteBuffer.allocate(0);
    private final ByteBuffer[] scatter = new ByteBuffer[2];

    private TlsScratch() {}

    static TlsScratch current() {
        return CURRENT.get();
    }

    /** An empty buffer in read mode (position = limit = 0) that can take {@code capacity} bytes. */
    ByteBuffer netIn(int capacity) {
        if (netIn.capacity() < capacity) {
            netIn = ByteBuffer.allocate(capacity);
        }
        return netIn.clear().flip();
    }

    /** A cleared buffer (write mode) for decrypted bytes. */
    ByteBuffer plain(int capacity) {
        if (plain.capacity() < capacity) {
            plain = ByteBuffer.allocate(capacity);
        }
        return plain.clear();
    }

    /** A cleared buffer (write mode) for records about to be written. */
    ByteBuffer netOut(int capacity) {
        if (netOut.capacity() < capacity) {
            netOut = ByteBuffer.allocate(capacity);
        }
        return netOut.clear();
    }

    /** A reusable two-element array for a scattering unwrap: the caller's buffer, then overflow. */
    ByteBuffer[] scatter(ByteBuffer first, ByteBuffer second) {
        scatter[0] = first;
        scatter[1] = second;
        return scatter;
    }

    /** Copies bytes that must outlive the call behind {@code kept} into an exact-size buffer. */
    static ByteBuffer keep(ByteBuffer kept, ByteBuffer more) {
        int size = more.remaining() + (kept == null ? 0 : kept.remaining());
        ByteBuffer joined = ByteBuffer.allocate(size);
        if (kept != null) {
            joined.put(kept);
        }
        return joined.put(more).flip();
    }

    /** Drops the references {@link #scatter} took, so no caller buffer is kept alive. */
    void clearScatter() {
        scatter[0] = null;
        scatter[1] = null;
    }
}
