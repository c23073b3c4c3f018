package io.duplex;

/**
 * Answers plain HTTP requests under a path prefix ({@link WebSocketServer.Builder#http}): long
 * polling, small APIs, anything that shares the WebSocket server's port.
 *
 * <p>Threading: {@link #handle} runs on the connection's event loop, so it must not block; it may
 * keep the exchange and {@linkplain HttpExchange#respond answer it later} from any thread (a long
 * poll holds a GET open until there is something to send).
 */
@FunctionalInterface
public interface HttpHandler {
    /** A complete request (head and body) arrived; answer it exactly once, now or later. */
    void handle(HttpExchange exchange);
}
