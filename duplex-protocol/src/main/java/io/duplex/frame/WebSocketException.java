package io.duplex.frame;

/**
 * The one unchecked exception root of Duplex. Every failure Duplex raises is, or wraps into, a
 * {@code WebSocketException}.
 *
 * <p>It lives in the bottom layer, {@code io.duplex.frame}, because the wire format already raises
 * failures ({@link ProtocolViolationException}); every package above may use it, none below it
 * has to reach up for it.
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
