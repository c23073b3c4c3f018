package io.duplex.topics.client;

import io.duplex.StreamError;
import io.duplex.frame.WebSocketException;
import java.util.Optional;

/**
 * The server refused a request with an {@code error} reply (docs/topics-protocol.md, "Errors"):
 * act on {@link #code()} (stable), never on the message. The connection stays open.
 *
 * <p>Threading: immutable.
 */
public final class TopicsException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String error;

    public TopicsException(int code, String error, String message) {
        super(error + " (" + code + "): " + message);
        this.code = code;
        this.error = error;
    }

    /** The stable numeric code, e.g. 4003 for {@code POSITION_AHEAD}. */
    public int code() {
        return code;
    }

    /** The code's name as the server sent it, e.g. {@code POSITION_AHEAD}. */
    public String error() {
        return error;
    }

    /** The code as a {@link StreamError}, or empty for a code this client does not know. */
    public Optional<StreamError> streamError() {
        for (StreamError e : StreamError.values()) {
            if (e.code() == code) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
