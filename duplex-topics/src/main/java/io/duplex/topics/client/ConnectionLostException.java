package io.duplex.topics.client;

import io.duplex.frame.WebSocketException;

/**
 * A request's reply cannot come: the connection dropped (or the client was closed, or was not
 * connected) before it arrived. For a publish this does not mean it was not stored: the server
 * may have stored it and lost only the acknowledgement, so publishing it again is at-least-once.
 *
 * <p>Threading: immutable.
 */
public final class ConnectionLostException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    public ConnectionLostException(String message) {
        super(message);
    }
}
