package io.duplex.socketio;

/**
 * Answers an event the client sent with an acknowledgement callback. Only the first call counts.
 *
 * <p>Threading: safe from any thread.
 */
@FunctionalInterface
public interface Ack {
    void send(Object... args);
}
