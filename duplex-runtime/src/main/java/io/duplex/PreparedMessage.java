package io.duplex;

import io.duplex.protocol.FramedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message encoded once and sent to many sockets (broadcast, pub/sub): the unmasked server frame
 * is built once, and each negotiated extension that encodes messages the same way for every
 * connection (permessage-deflate without context takeover on the server's side, RFC 7692
 * §7.1.1.1) encodes it at most once for all of them. The extension decides, not the runtime:
 * connections whose extension keeps state between messages (context takeover) encode it in their
 * own context, and client sockets mask it per frame (RFC 6455 §5.3).
 *
 * <p>Threading: immutable once built (shared encodings are computed lazily under a lock); safe to
 * share and to send from any thread.
 */
public final class PreparedMessage {

    private final FramedMessage framed;

    private PreparedMessage(FramedMessage framed) {
        this.framed = framed;
    }

    /** A text message. */
    public static PreparedMessage text(CharSequence text) {
        return new PreparedMessage(
                FramedMessage.text(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /** A binary message; the bytes are copied. */
    public static PreparedMessage binary(ByteBuffer data) {
        ByteBuffer copy =
                ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return new PreparedMessage(FramedMessage.binary(copy));
    }

    public boolean isText() {
        return framed.isText();
    }

    /** The message payload (a read-only view). */
    public ByteBuffer payload() {
        return framed.payload();
    }

    /** Payload size in bytes. */
    public int size() {
        return framed.size();
    }

    /** The whole unmasked frame without extensions (a read-only view). */
    public ByteBuffer frame() {
        return framed.frame();
    }

    /**
     * The engine's form of this message, which {@code Protocol.sendPrepared} takes; for runtimes
     * and adapters built on the engine, not needed to send it through a {@link WebSocket}.
     */
    public FramedMessage framed() {
        return framed;
    }
}
