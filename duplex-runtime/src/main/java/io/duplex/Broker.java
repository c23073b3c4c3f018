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

    /** Subscribers of {@code topic} on this node. */
    int subscriberCount(String topic);

    @Override
    default void close() {}
}
