package io.duplex.deflate;

import io.duplex.extension.Extension;
import io.duplex.frame.Rsv;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE, {@code SYNC_FLUSH}, the
 * trailing {@code 00 00 ff ff} removed. Without context takeover a deflater is borrowed for one
 * message; with it, one deflater is kept for the connection's life.
 *
 * <p>Threading: confined to the owning connection.
 */
final class MessageDeflater {

    private static final int TAIL_LENGTH = 4;
    private static final byte[] NO_INPUT = new byte[0];
    /** RFC 7692 §7.2.3.6: an empty stored block once the tail is removed. */
    private static final byte[] EMPTY_MESSAGE = {0x00};

    private final DeflaterPool pool;
    /** Level and threshold, one instance per factory (not per connection). */
    private final SharedDeflate settings;

    private final int strategy;
    private final boolean contextTakeover;
    /** With context takeover: this connection's deflater, created on first use. */
    private Deflater own;

    /**
     * @param windowBits the most window bits the peer allows; under 15 the JDK deflater can only
     *     honour it by using no LZ77 matches at all (Huffman-only), which needs no window
     */
    MessageDeflater(DeflaterPool pool, SharedDeflate settings, boolean contextTakeover, int windowBits) {
        this.pool = pool;
        this.settings = settings;
        this.strategy =
                windowBits < DeflateParameters.JDK_WINDOW_BITS ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY;
        this.contextTakeover = contextTakeover;
    }

    /**
     * How every connection sending like this one encodes a message, or {@code null}: with context
     * takeover each message depends on the ones before it, and under a 15-bit window this end
     * compresses Huffman-only, which the shared (full-window) encoding would not honour.
     */
    SharedDeflate shared() {
        return contextTakeover || strategy == Deflater.HUFFMAN_ONLY ? null : settings;
    }

    Extension.Encoded encode(ByteBuffer payload) {
        int length = payload.remaining();
        // An empty message gains nothing from compression; sending it plain leaves both
        // windows untouched, so it is right with and without context takeover.
        if (length == 0 || length < settings.threshold()) {
            return new Extension.Encoded(payload, 0);
        }
        Deflater deflater = contextTakeover ? own() : borrow(pool, settings.level(), strategy);
        ByteBuffer chunk = pool.borrowChunk();
        try {
            ByteBuffer compressed = deflate(deflater, payload, chunk);
            if (!contextTakeover && compressed.remaining() >= length) {
                // Incompressible (e.g. already compressed): RFC 7692 §6 lets any message go out
                // uncompressed. Only safe without context takeover, where the peer's window does
                // not need this message.
                return new Extension.Encoded(payload, 0);
            }
            return new Extension.Encoded(compressed, Rsv.RSV1);
        } finally {
            pool.returnChunk(chunk);
            if (contextTakeover) {
                deflater.setInput(NO_INPUT); // do not keep the caller's payload reachable
            } else {
                pool.returnDeflater(deflater);
            }
        }
    }

    private Deflater own() {
        if (own == null) {
            own = borrow(pool, settings.level(), strategy);
        }
        return own;
    }

    static Deflater borrow(DeflaterPool pool, int level, int strategy) {
        Deflater d = pool.borrowDeflater();
        d.setLevel(level);
        d.setStrategy(strategy);
        return d;
    }

    /**
     * Compresses all of {@code input} (not modified) and returns a new buffer holding exactly the
     * message payload: the DEFLATE data up to a {@code SYNC_FLUSH}, without its final {@code 00
     * 00 ff ff} (RFC 7692 §7.2.1).
     */
    static ByteBuffer deflate(Deflater deflater, ByteBuffer input, ByteBuffer chunk) {
        if (!input.hasRemaining()) {
            return ByteBuffer.wrap(EMPTY_MESSAGE.clone());
        }
        deflater.setInput(input.duplicate());
        byte[] out = chunk.array();
        int len = 0;
        while (true) {
            len += deflater.deflate(out, len, out.length - len, Deflater.SYNC_FLUSH);
            // Done when all input is taken and the output did not fill up. A call that only
            // applies a new level or strategy returns 0 with the input untouched: go on.
            if (len < out.length && deflater.needsInput()) {
                break;
            }
            if (len == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
        }
        return ByteBuffer.wrap(Arrays.copyOf(out, len - TAIL_LENGTH));
    }

    /** Returns the kept deflater, if any; idempotent. */
    void close() {
        if (own != null) {
            pool.returnDeflater(own);
            own = null;
        }
    }

    /** Whether this end currently holds a deflater (for tests). */
    boolean holdsDeflater() {
        return own != null;
    }
}
