package io.duplex.socketio;

/**
 * A Socket.IO operation that could not complete (the socket disconnected before an ack came).
 *
 * <p>Threading: immutable.
 */
public final class SocketIoException extends RuntimeException {
    public SocketIoException(String message) {
        super(message);
    }
}
