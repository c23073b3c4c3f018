package io.duplex;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * How many nodes sharing this broker have at least one subscriber of {@code topic} (a socket
     * or a {@link Sink}) now, this node included: the nodes a message published on the topic
     * reaches, and so the number of answers a node that publishes a request there can expect (a
     * Socket.IO broadcast with acknowledgements waits for every node's count of clients).
     *
     * <p>A broker serving one process, like this default, answers 1 when this node has a
     * subscriber and 0 otherwise. A scale-out broker asks its backend ({@code RedisBroker}: {@code
     * PUBSUB NUMSUB} on the topic's channel, summed over the nodes of a Redis Cluster), which
     * counts a node from the moment the backend confirmed its subscription: a node whose first
     * subscriber of the topic came an instant ago may not be counted yet, and one whose last
     * subscriber just left may still be.
     *
     * <p>Threading: safe from any thread and never blocks the caller; the stage may complete on
     * the calling thread or on the broker's own I/O thread (Lettuce's for {@code RedisBroker}), so
     * what depends on it must not block. It fails when the backend cannot be asked (unreachable).
     */
    default CompletionStage<Integer> subscribedNodes(String topic) {
        return CompletableFuture.completedFuture(subscriberCount(topic) > 0 ? 1 : 0);
    }

    @Override
    default void close() {}
}
