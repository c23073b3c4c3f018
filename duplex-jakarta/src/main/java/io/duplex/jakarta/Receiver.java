package io.duplex.jakarta;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import java.nio.ByteBuffer;

/**
 * What receives one native message type on a session: a {@code MessageHandler} the application
 * added, or an annotated {@code @OnMessage} method. Each takes the message as the runtime
 * delivered it and converts it itself.
 *
 * <p>Threading: called for one connection, one message at a time (Jakarta WebSocket 2.1 §5.1).
 */
sealed interface Receiver {
    /** The handler the application registered, or {@code null} for an annotated method. */
    MessageHandler handler();

    /** Most bytes a message may have before the session is closed with 1009 (§4.7.1), or -1. */
    long maxMessageSize();

    /** Whether it takes parts of messages (a {@code Partial} handler or a method with {@code boolean last}). */
    boolean partial();

    /** Text: a whole message ({@code last} true) or one part. */
    record Text(MessageHandler handler, long maxMessageSize, boolean partial, Body<String> body) implements Receiver {}

    /** Binary: a whole message ({@code last} true) or one part. */
    record Binary(MessageHandler handler, long maxMessageSize, boolean partial, Body<ByteBuffer> body)
            implements Receiver {}

    record Pong(MessageHandler handler, Body<PongMessage> body) implements Receiver {
        @Override
        public long maxMessageSize() {
            return -1;
        }

        @Override
        public boolean partial() {
            return false;
        }
    }

    /** The receiving code; anything it throws goes to the endpoint's error handler (§5.2.2). */
    @FunctionalInterface
    interface Body<M> {
        void accept(M message, boolean last) throws Throwable;
    }
}
