package io.duplex.spring;

import io.duplex.WebSocketServer;

/**
 * A bean that adjusts the auto-configured server beyond the {@code duplex.*} properties (an
 * upgrader, a handler executor, history, presence, HTTP handlers…), and may be told when it
 * started. Customizers run in {@code @Order} order, after the properties were applied.
 *
 * <p>Threading: both methods run on the thread that starts the Spring context.
 */
@FunctionalInterface
public interface DuplexServerCustomizer {
    /** Adjusts the builder before the server starts. */
    void customize(WebSocketServer.Builder builder);

    /** The server listens now. */
    default void started(WebSocketServer server) {}
}
