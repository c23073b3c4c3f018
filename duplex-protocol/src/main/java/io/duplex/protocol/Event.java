package io.duplex.protocol;

import io.duplex.frame.Violation;
import java.nio.ByteBuffer;

/**
 * What the engine tells the runtime after {@link Protocol#receive}: the closed set of things a
 * peer can say.
 *
 * <p>Buffers in events are only valid during the {@link Protocol.EventSink#onEvent} call that
 * delivers them (they may be windows of the caller's read buffer, so a whole frame costs no copy);
 * copy them to keep them. Threading: values, confined to the connection's thread during delivery.
 */
public sealed interface Event {

    /** A complete text message (RFC 6455 §5.6), valid UTF-8. */
    record Text(String text) implements Event {}

    /**
     * A complete text message as its UTF-8 bytes, validated (RFC 6455 §8.1), instead of {@link
     * Text} when the engine was built with {@link Protocol.Builder#textAsUtf8}: for a runtime that
     * hands text on without reading it (a relay, an echo, a JSON parser that reads bytes).
     */
    record TextUtf8(ByteBuffer utf8) implements Event {}

    /** A complete binary message. */
    record Binary(ByteBuffer data) implements Event {}

    /**
     * One data frame of a message, when message assembly is off. Text fragments are validated
     * UTF-8 up to here, but a code point may span two fragments.
     */
    record Fragment(boolean text, ByteBuffer data, boolean last) implements Event {}

    /** A Ping (RFC 6455 §5.5.2); with auto-pong on, the Pong has already been queued. */
    record Ping(ByteBuffer data) implements Event {}

    /** A Pong (RFC 6455 §5.5.3), solicited or not. */
    record Pong(ByteBuffer data) implements Event {}

    /**
     * The connection is closed or closing for good: the peer's close (code {@link
     * CloseCodes#NO_STATUS} when it gave none), this end failing the connection ({@code violation}
     * set, {@code clean == false}), or the transport ending without a close handshake ({@link
     * CloseCodes#ABNORMAL}). Delivered exactly once.
     *
     * @param clean whether the close handshake completed (the browser's {@code wasClean})
     */
    record Close(int code, String reason, boolean clean, Violation violation) implements Event {}
}
