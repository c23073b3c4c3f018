package io.duplex;

import io.duplex.frame.WebSocketException;
import java.util.Objects;

/**
 * A refused stream operation, with its stable {@link StreamError}. Tests and adapters act on
 * {@link #error()}, never on the message.
 *
 * <p>Threading: immutable once constructed.
 */
public final class StreamException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    private final StreamError error;

    public StreamException(StreamError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error);
    }

    public StreamException(StreamError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error);
    }

    public StreamError error() {
        return error;
    }
}
