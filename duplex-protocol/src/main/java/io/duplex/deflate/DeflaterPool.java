package io.duplex.deflate;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Lends raw-DEFLATE ({@code nowrap}) {@link Deflater}s and {@link Inflater}s and fixed-size scratch
 * chunks to {@link DeflateExtension}s. Without context takeover an extension borrows a codec for
 * one message and returns it right after, so an idle compressed connection holds none.
 *
 * <p>Contract: a borrowed deflater or inflater is in its initial (reset) state; a deflater's level
 * and strategy are whatever the last borrower set, so borrowers set both. A returned object must
 * not be used again by the borrower; the pool resets it (or ends it, when it keeps no more) and may
 * lend it to anyone. Every borrowed object is returned exactly once, on every path.
 *
 * <p>Threading: implementations need not be thread-safe, and {@link #bounded} is not: the runtime
 * gives each event loop its own pool and uses it only from that loop (docs/ARCHITECTURE.md, "duplex-protocol"). {@link
 * #unpooled()} keeps nothing and is safe from any thread.
 */
public interface DeflaterPool {

    /** The size of the scratch chunks lent by {@link #borrowChunk()}. */
    int CHUNK_SIZE = 16 * 1024;

    /** A {@code nowrap} deflater in its reset state. */
    Deflater borrowDeflater();

    /** Gives a deflater back (it is reset or ended here). */
    void returnDeflater(Deflater deflater);

    /** A {@code nowrap} inflater in its reset state. */
    Inflater borrowInflater();

    /** Gives an inflater back (it is reset or ended here). */
    void returnInflater(Inflater inflater);

    /**
     * A heap buffer of {@link #CHUNK_SIZE} bytes with an accessible array, with any content,
     * position and limit.
     */
    ByteBuffer borrowChunk();

    /** Gives a scratch buffer back. */
    void returnChunk(ByteBuffer chunk);

    /**
     * Ends every idle deflater and inflater and drops idle chunks, e.g. when the event loop
     * stops; the pool stays usable. Borrowed objects are not affected.
     */
    default void clear() {}

    /**
     * A pool keeping at most {@code maxIdle} idle deflaters, as many inflaters and as many chunks;
     * it ends what it cannot keep. A deflater costs about 256 KiB of native memory, an inflater
     * about 40 KiB, so a small number (2–4 per event loop) is enough. Not thread-safe.
     */
    static DeflaterPool bounded(int maxIdle) {
        return new BoundedDeflaterPool(maxIdle);
    }

    /** A pool that keeps nothing: each borrow creates, each return ends. Thread-safe. */
    static DeflaterPool unpooled() {
        return UnpooledDeflaterPool.INSTANCE;
    }
}
