package io.duplex.deflate;

import java.nio.ByteBuffer;

/**
 * A message payload compressed once by {@link PerMessageDeflate#compressOnce}, to be sent to
 * many connections whose {@link DeflateExtension#sharesCompressedPayloads()} is true. The caller
 * frames it with RSV1 set on the first frame (RFC 7692 §6).
 *
 * <p>Threading: immutable; safe to share. Each {@link #payload()} call returns an independent
 * read-only view.
 */
public final class DeflatedPayload {

    private final ByteBuffer compressed;
    private final int uncompressedLength;

    DeflatedPayload(ByteBuffer compressed, int uncompressedLength) {
        this.compressed = compressed.asReadOnlyBuffer();
        this.uncompressedLength = uncompressedLength;
    }

    /** The compressed bytes, as a fresh read-only view. */
    public ByteBuffer payload() {
        return compressed.duplicate();
    }

    public int compressedLength() {
        return compressed.remaining();
    }

    public int uncompressedLength() {
        return uncompressedLength;
    }

    /** Whether compression made the payload smaller; if not, sending it plain is better. */
    public boolean saves() {
        return compressed.remaining() < uncompressedLength;
    }

    @Override
    public String toString() {
        return "DeflatedPayload[" + uncompressedLength + " -> " + compressed.remaining() + " bytes]";
    }
}
