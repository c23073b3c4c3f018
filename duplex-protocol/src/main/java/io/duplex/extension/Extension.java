package io.duplex.extension;

import io.duplex.frame.ProtocolViolationException;
import java.nio.ByteBuffer;

/**
 * A negotiated per-message extension instance for one connection (RFC 6455 §9, e.g. RFC 7692
 * permessage-deflate). The engine applies extensions in negotiated order on send and in reverse
 * order on receive, and only lets a peer set an RSV bit that some negotiated extension claims.
 *
 * <p>Threading: confined to the connection that owns it, like the {@code Protocol} it plugs into.
 */
public interface Extension extends AutoCloseable {

    /** The parameters as negotiated (what the server put in its response). */
    ExtensionParameters negotiated();

    /** The RSV bits this extension claims, as a mask of {@link io.duplex.frame.Rsv} values. */
    int rsv();

    /**
     * Transforms an outgoing message payload (all of it: per-message extensions see whole
     * messages). Returns the bytes to frame and the RSV bits to set on the first frame; returns
     * the payload unchanged with {@code rsv == 0} to send it untransformed (e.g. below a threshold).
     *
     * @param text whether the message is a text message
     * @param payload the message payload, read from its position to its limit; not modified
     */
    Encoded encode(boolean text, ByteBuffer payload);

    /**
     * The encoding this connection would give any message independently of its own state, or
     * {@code null} when each message must go through {@link #encode} (state kept between messages,
     * such as RFC 7692 context takeover, or a window the shared encoding would not honour). When
     * it is not {@code null}, the engine may send a message encoded once for many connections
     * instead of calling {@link #encode}. The default: {@code null}.
     */
    default SharedEncoding sharedEncoding() {
        return null;
    }

    /**
     * Transforms the payload of an incoming message whose first frame carried this extension's
     * RSV bits. Called for each chunk of payload in order, across all the message's frames, and
     * once more with {@code endOfMessage} set (the payload then possibly empty).
     *
     * @param payload payload bytes (read fully by this call)
     * @param endOfMessage whether the message's last byte has been passed
     * @param maxBytes the most decoded bytes this call may produce; producing more is a {@link
     *     io.duplex.frame.Violation#MESSAGE_TOO_BIG}, detected while decoding, before the memory is
     *     committed
     * @param out receives decoded bytes; the buffers are only valid during the call
     * @throws ProtocolViolationException when the payload is invalid or too big once decoded
     */
    void decode(ByteBuffer payload, boolean endOfMessage, long maxBytes, DecodedSink out);

    /**
     * Releases pooled resources; the extension is not used after this. Idempotent. Whoever holds
     * an extension a factory returned must close it, even if the connection never opens (it may
     * hold pooled codecs or a per-connection permit, e.g. for RFC 7692 context takeover).
     */
    @Override
    void close();

    /** An encoded outgoing payload and the RSV bits for the message's first frame. */
    record Encoded(ByteBuffer payload, int rsv) {}

    /** Receives decoded bytes during {@link #decode}. */
    @FunctionalInterface
    interface DecodedSink {
        void accept(ByteBuffer decoded) throws ProtocolViolationException;
    }
}
