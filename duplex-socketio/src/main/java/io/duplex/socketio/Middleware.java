package io.duplex.socketio;

/**
 * Runs before a socket joins its namespace (authentication): it sees the {@link Handshake}
 * (headers, cookies, query, auth) and may set {@link SioSocket#data()}; it calls {@code
 * next.proceed()} to let the socket in, or {@code next.reject(message, data)} to refuse it with a
 * CONNECT_ERROR the client sees as {@code connect_error}.
 *
 * <p>Threading: called on the socket's session queue; {@code next} may be called later from any
 * thread, once.
 */
@FunctionalInterface
public interface Middleware {
    void handle(SioSocket socket, Next next);

    /** The continuation of a middleware. */
    interface Next {
        void proceed();

        /** Refuses the connection; {@code data} (may be null) is sent along as JSON. */
        void reject(String message, Object data);

        default void reject(String message) {
            reject(message, null);
        }
    }
}
