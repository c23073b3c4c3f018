package io.duplex;

/**
 * Publish/subscribe for a server's sockets: topics (rooms, feeds) whose messages are encoded once
 * and fanned out to every subscriber. The default {@link InMemoryBroker} serves one process;
 * {@code io.duplex.redis.RedisBroker} (module duplex-redis) spans several server nodes.
 *
 * <p>Threading: every method is safe from any thread. Messages published from one thread to one
 * topic reach each subscriber in publication order.
 */
public interface Broker extends AutoCloseable {

    /**
     * Sends {@code message} to every subscriber of {@code topic} except {@code exclude} (may be
     * {@code null}); never blocks the publisher.
     *
     * @return the number of local subscribers it was handed to
     */
    int publish(String topic, PreparedMessage message, WebSocket exclude);

    /** Subscribes a socket; a no-op if already subscribed. Subscriptions end with the socket. */
    void subscribe(String topic, WebSocket ws);

    void unsubscribe(String topic, WebSocket ws);

    /** Ends every subscription of a socket (called when it closes). */
    void unsubscribeAll(WebSocket ws);

    /**
     * A subscriber that is not a WebSocket of this server: a long-polling session, a relay to
     * another transport. It is told each message of its topics on the publishing thread (or the
     * thread relaying from another node), after the fan-out to WebSocket subscribers was queued;
     * it must not block and must not throw. {@code exclude} of {@link #publish} does not apply
     * to sinks.
     *
     * <p>Threading: called from any thread, possibly from several at once.
     */
    @FunctionalInterface
    interface Sink {
        void onMessage(String topic, PreparedMessage message);
    }

    /**
     * Subscribes a {@link Sink} (counted as a subscriber: a scale-out broker relays the topic to
     * this node while it has one); a no-op if already subscribed. It stays until {@link
     * #unsubscribe(String, Sink)}.
     */
    default void subscribe(String topic, Sink sink) {
        throw new UnsupportedOperationException("this broker has no sinks");
    }

    default void unsubscribe(String topic, Sink sink) {
        throw new UnsupportedOperationException("this broker has no sinks");
    }

    /** Subscribers of {@code topic} on this node (sockets and sinks). */
    int subscriberCount(String topic);

    @Override
    default void close() {}
}
