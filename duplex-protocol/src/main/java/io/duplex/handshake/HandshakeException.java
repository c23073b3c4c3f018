package io.duplex.handshake;

import io.duplex.frame.WebSocketException;

/**
 * The opening handshake failed (RFC 6455 §4). Carries the HTTP status that decides the outcome:
 *
 * <ul>
 *   <li>while reading a request (server role), the status to answer with, e.g. 400, 414 or 431;
 *   <li>while validating a response (client role), the status the server answered with, together
 *       with the response headers so that a caller can honour {@code Retry-After} on a 503.
 * </ul>
 *
 * <p>The message is a short constant phrase that never echoes the peer's input, so it is safe to
 * send back in an error response.
 *
 * <p>Threading: immutable; safe to share.
 */
public final class HandshakeException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Headers headers;

    public HandshakeException(int status, String message) {
        this(status, message, Headers.EMPTY, null);
    }

    public HandshakeException(int status, String message, Headers headers) {
        this(status, message, headers, null);
    }

    public HandshakeException(int status, String message, Headers headers, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.headers = headers == null ? Headers.EMPTY : headers;
    }

    /** The HTTP status: to send (server role) or received (client role). */
    public int status() {
        return status;
    }

    /** Headers that go with the status (the response's headers in the client role); may be empty. */
    public Headers headers() {
        return headers;
    }
}
