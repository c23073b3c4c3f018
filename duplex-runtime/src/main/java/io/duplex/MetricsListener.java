package io.duplex;

/**
 * What a server or client tells its metrics: the listener SPI the runtime publishes to, so that a
 * metrics library (module {@code duplex-micrometer}, or your own) can count without the runtime
 * depending on one. Set it with {@link WebSocketServer.Builder#metrics} or {@link
 * WebSocketClient.Builder#metrics}; without one the runtime makes no call and allocates nothing
 * (each hook is one null check of a field).
 *
 * <p>Events of one connection go to the {@link RouteMetrics} of its route, asked for once per route
 * <em>template</em> by {@link #route(String)} when the server starts: the exact path a route was
 * registered with ({@code "/chat"}), a prefix route's prefix followed by {@code *} ({@code
 * "/rooms/*"}), or {@code "*"} — never the requested path or any other value a client chose, so tags
 * built from it have bounded cardinality. A client asks for the template {@code "client"}.
 * Gauges (connections open, buffered bytes, connections with permessage-deflate) are read
 * from the server's getters ({@link WebSocketServer#connectionCount()}, {@link
 * WebSocketServer#bufferedBytes()}, {@link WebSocketServer#deflateConnections()}), not pushed.
 *
 * <p>Threading: every method may be called concurrently from several threads — the event loops,
 * and, for {@link RouteMetrics#dropped()} and {@link #published}, whatever thread sends or
 * publishes. Implementations must be thread-safe, must not block and should not allocate (an
 * increment of a {@code LongAdder} is the right cost). The runtime does not catch what they
 * throw: on an event loop it costs the connection at hand, on a sending thread it reaches the
 * caller of {@code send} or {@code publish}.
 */
public interface MetricsListener {
    /**
     * The metrics of one route, called once per route template when the server starts (once per
     * client with {@code "client"}).
     */
    RouteMetrics route(String template);

    /**
     * An opening handshake or HTTP request the server answered: {@code status} 101 when upgraded,
     * else the HTTP status of the rejection (400/403/404/426… from validation, the upgrader's
     * status, 503 when a connection limit or a stopping server refused the socket).
     *
     * @param template the route template, or null when the request was answered before it was
     *     routed (malformed, failed validation, no route, refused at accept)
     */
    default void handshake(String template, int status) {}

    /** {@link WebSocketServer#publish} reached {@code recipients} local subscribers. */
    default void published(int recipients) {}

    /**
     * One pass of one of the server's event loops worked {@code nanos}: from the moment its wait
     * for readiness ({@code select}) returned to the end of its flushes — I/O, handler callbacks,
     * tasks, timers and writes, not the time it waited. Called on that loop at the end of every
     * pass, so at most a few hundred thousand times a second per loop under load: it must be
     * cheap. The sum over time divided by the loops and the time is how busy they are; long passes
     * delay every connection on that loop. Servers only.
     */
    default void loopPass(long nanos) {}

    /** A listener that does nothing, for code that wants one rather than null. */
    MetricsListener NONE = template -> RouteMetrics.NONE;
}
