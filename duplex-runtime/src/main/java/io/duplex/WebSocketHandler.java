package io.duplex;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Receives a connection's events, in the browser's shape: open, message (text or binary), close
 * and error, plus ping, pong and drain. Every method has a no-op default.
 *
 * <p>Threading: for one connection, callbacks never overlap and arrive in order. They run on the
 * connection's event loop unless a handler executor is configured; never block in them on the
 * loop. A {@link ByteBuffer} passed to a callback is only valid during that callback (it may be a
 * window of the loop's read buffer): copy what you keep.
 */
public interface WebSocketHandler {

    default void onOpen(WebSocket ws) {}

    default void onText(WebSocket ws, String text) {}

    /**
     * A complete text message as its UTF-8 bytes, already validated (RFC 6455 §8.1), between the
     * buffer's position and limit. Override it instead of {@link #onText} in a handler that passes
     * text on without reading it, or parses it from bytes (a relay, an echo, a JSON library
     * reading UTF-8): the runtime then makes no {@code String} for it, and {@link
     * WebSocket#sendText(ByteBuffer)} sends such bytes without one either. Like {@link
     * #onBinary}'s, the buffer is only valid during the call. The default decodes it and calls
     * {@link #onText}; a handler that does not override this method gets its text decoded by the
     * engine and never goes through it. A handler that wraps another and forwards its events must
     * forward this method too: one that overrides only {@code onTextUtf8} is not reached through
     * {@code onText}.
     */
    default void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
        onText(ws, Utf8Text.decode(utf8));
    }

    default void onBinary(WebSocket ws, ByteBuffer data) {}

    /**
     * One data frame of a message, as it arrived, when message assembly is off ({@code
     * ProtocolConfig.assembleMessages(false)}): for streaming messages too large to hold whole.
     * {@code text} tells the message's type on every fragment (continuations included), {@code
     * last} is the frame's FIN (RFC 6455 §5.4). Text fragments are valid UTF-8 so far, but a code
     * point may span two fragments: decode with a stateful decoder.
     *
     * <p>The default throws {@link UnsupportedOperationException}: turning assembly off without
     * handling fragments would lose messages silently, so the connection is closed with 1011 and
     * {@link #onError} says why.
     */
    default void onFragment(WebSocket ws, ByteBuffer data, boolean text, boolean last) {
        throw new UnsupportedOperationException(
                "message assembly is off (assembleMessages(false)) and the handler does not override onFragment");
    }

    /** A Ping arrived; the Pong has already been sent (RFC 6455 §5.5.2). */
    default void onPing(WebSocket ws, ByteBuffer data) {}

    default void onPong(WebSocket ws, ByteBuffer data) {}

    /**
     * The connection ended: called exactly once per opened connection.
     *
     * @param code the peer's close code, 1005 if it sent none, 1006 if the connection dropped
     *     without a close handshake, or the code this end failed the connection with
     * @param wasClean whether the close handshake completed
     */
    default void onClose(WebSocket ws, int code, String reason, boolean wasClean) {}

    /** Something went wrong (a violation by the peer, an I/O error, a handler exception). */
    default void onError(WebSocket ws, Throwable error) {}

    /** The outbound buffer fell back below its low-water mark after a {@link SendResult#BUFFERED}. */
    default void onDrain(WebSocket ws) {}

    /**
     * Client with a {@link ReconnectPolicy}: the connection was lost (after {@link #onClose}) and
     * attempt number {@code attempt} (from 1) starts after {@code delay}.
     */
    default void onReconnecting(WebSocket ws, int attempt, java.time.Duration delay) {}

    /** Client with a {@link ReconnectPolicy}: a new connection is open; {@code ws} is unchanged. */
    default void onReconnected(WebSocket ws) {}

    /** A handler that answers text messages with {@code onText}. */
    static WebSocketHandler onText(BiConsumer<WebSocket, String> onText) {
        return new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                onText.accept(ws, text);
            }
        };
    }

    /** A handler that answers binary messages with {@code onBinary}. */
    static WebSocketHandler onBinary(BiConsumer<WebSocket, ByteBuffer> onBinary) {
        return new WebSocketHandler() {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                onBinary.accept(ws, data);
            }
        };
    }

    /** Echoes every message back with the same type. */
    static WebSocketHandler echo() {
        return new WebSocketHandler() {
            @Override
            public void onTextUtf8(WebSocket ws, ByteBuffer utf8) {
                ws.sendText(utf8); // the bytes as they came: no String either way
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.send(text); // for code that forwards text to this handler as a String
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.send(data);
            }
        };
    }
}
