package io.duplex;

/**
 * The metrics of the connections of one route (see {@link MetricsListener}): opened and closed,
 * messages and frame bytes each way, sends refused by the outbound limit, slow-consumer closes,
 * publishes by its sockets and keepalive round trips.
 *
 * <p>Threading: called on the event loops, concurrently for connections on different loops, and
 * {@link #dropped()} also on whichever thread sent; implementations must be thread-safe, must not
 * block and should not allocate.
 */
public interface RouteMetrics {
    /** The upgrade succeeded: a connection is open. */
    default void opened() {}

    /**
     * An open connection closed (exactly once per {@link #opened()}).
     *
     * @param code the close code the handler sees (1006 when the connection dropped)
     * @param local true when this end closed first (its Close frame went first, or it failed or
     *     aborted the connection, a protocol violation by the peer included); false when the peer's
     *     Close frame came first or the peer dropped the connection
     */
    default void closed(int code, boolean local) {}

    /** A whole data message arrived (a fragmented one once, at its last frame). */
    default void messageIn() {}

    /** A data message was queued for sending (a fragmented one once, at its last frame). */
    default void messageOut() {}

    /**
     * {@code n} data messages were queued for sending since the last report: the runtime sums
     * them per event loop and route and reports once per loop pass (before the pass's writes), not
     * per message or per connection. The default calls {@link #messageOut()} {@code n} times.
     */
    default void messagesOut(int n) {
        for (int i = 0; i < n; i++) {
            messageOut();
        }
    }

    /** WebSocket frame bytes read (after TLS, before inflating), per read. */
    default void bytesIn(int bytes) {}

    /**
     * WebSocket frame bytes queued for writing (before TLS, after compression) since the last
     * report: summed per event loop and route, once per loop pass.
     */
    default void bytesOut(int bytes) {}

    /**
     * A send was answered {@link SendResult#DROPPED}: refused by the outbound limit, or made to a
     * socket no longer open (a publish or send racing its close).
     */
    default void dropped() {}

    /**
     * The runtime closed a slow consumer: 1008 (slow-consumer policy {@link
     * SlowConsumerPolicy#CLOSE}) or 1013 (a stream subscriber that could not keep up).
     */
    default void slowConsumerClosed() {}

    /** {@link WebSocket#publish} by a socket of this route reached {@code recipients} local subscribers. */
    default void published(int recipients) {}

    /** A keepalive Ping's Pong came back after {@code nanos}. */
    default void pingRoundTrip(long nanos) {}

    /** Metrics that count nothing. */
    RouteMetrics NONE = new RouteMetrics() {};
}
