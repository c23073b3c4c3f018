package io.duplex.protocol;

/**
 * The one unchecked exception root of Duplex. Every failure Duplex raises is, or wraps into, a
 * {@code WebSocketException}.
 *
 * <p>Threading: immutable once constructed; safe to share.
 */
public class WebSocketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WebSocketException(String message) {
        super(message);
    }

    public WebSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
