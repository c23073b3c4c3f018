package io.duplex.socketio.engine;

/**
 * The errors an Engine.IO v4 server answers HTTP requests with, as the reference server names
 * them: status, code and message, sent as {@code {"code":N,"message":"..."}}.
 *
 * <p>Threading: immutable.
 */
public enum EngineError {
    UNKNOWN_TRANSPORT(400, 0, "Transport unknown"),
    UNKNOWN_SID(400, 1, "Session ID unknown"),
    BAD_HANDSHAKE_METHOD(400, 2, "Bad handshake method"),
    BAD_REQUEST(400, 3, "Bad request"),
    FORBIDDEN(403, 4, "Forbidden"),
    UNSUPPORTED_PROTOCOL_VERSION(400, 5, "Unsupported protocol version");

    private final int status;
    private final int code;
    private final String message;

    EngineError(int status, int code, String message) {
        this.status = status;
        this.code = code;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    public String message() {
        return message;
    }

    /** The JSON body. */
    public String json() {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
}
