package io.duplex.extension;

import java.nio.ByteBuffer;

/**
 * How an {@link Extension} encodes a whole message when its encoding does not depend on the
 * connection's own state, so one encoding can be written to every connection that negotiated the
 * same thing: a broadcast compressed once instead of once per subscriber (RFC 7692 §7.1.1.1: a
 * sender without context takeover starts every message from an empty window).
 *
 * <p>Equal instances ({@link Object#equals}) must produce interchangeable output: the engine caches
 * one encoded frame per distinct encoding and hands it to every connection whose extension returns
 * an equal one. Records fit.
 *
 * <p>Threading: must be safe to call from any thread; it is called on the thread of whichever
 * connection first needs the encoding.
 */
public interface SharedEncoding {

    /**
     * Encodes a whole outgoing message payload (read from its position to its limit, not
     * modified). Returns the bytes to frame and the RSV bits for the frame; {@code rsv == 0} with
     * the payload unchanged sends it untransformed.
     */
    Extension.Encoded encode(boolean text, ByteBuffer payload);
}
