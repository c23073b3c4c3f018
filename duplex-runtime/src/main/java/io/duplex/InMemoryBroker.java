package io.duplex;

import io.duplex.internal.Topics;
import io.duplex.internal.WebSocketImpl;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The in-process {@link Broker}. Subscribers are kept per topic and per event loop; a publish hands
 * one task to each loop that has subscribers, which writes the prepared frame to each of them. The
 * writes are corked: everything published during one loop pass leaves each subscriber in one
 * write. A subscriber over its outbound limit gets the slow-consumer policy (drop the message, or
 * close with 1008) and the publisher is never blocked (after uWebSockets' pub/sub).
 *
 * <p>{@link Broker.Sink}s (subscribers that are not sockets, e.g. long-polling sessions) are
 * called on the publishing thread once the socket fan-out is queued.
 *
 * <p>Subscribe and unsubscribe are always queued on the socket's loop, even when called on it,
 * behind the fan-out tasks of earlier publishes: a socket never receives a message published before
 * it subscribed. The per-loop lists and the fan-out live in {@code io.duplex.internal.Topics} and
 * {@code Topic}; this class is their public face.
 *
 * <p>Threading: safe from any thread. Per-loop subscriber lists are only touched on their loop.
 */
public final class InMemoryBroker implements Broker {

    /** Told when a topic gains its first or loses its last local subscriber (e.g. Redis relay). */
    public interface TopicListener {
        void onTopic(String topic, boolean active);
    }

    private final Topics topics = new Topics();
    private final Map<Sink, Set<String>> sinkTopics = new ConcurrentHashMap<>();
    private volatile TopicListener listener = (t, active) -> {};

    /** Sets the listener for topic activity (one; used by scale-out brokers). */
    public void topicListener(TopicListener listener) {
        this.listener = listener;
    }

    @Override
    public int publish(String topic, PreparedMessage message, WebSocket exclude) {
        int count = topics.publish(topic, message, exclude);
        // The sender is left out only if it is a subscriber: a publisher that did not subscribe
        // reaches every subscriber.
        return exclude != null && count > 0 && exclude.topics().contains(topic) ? count - 1 : count;
    }

    @Override
    public void subscribe(String topic, WebSocket ws) {
        WebSocketImpl impl = impl(ws);
        // The socket's own set makes a second subscribe a no-op, and ends its topics on close.
        if (!impl.addTopic(topic)) {
            return;
        }
        if (topics.subscribe(topic, impl)) {
            listener.onTopic(topic, true);
        }
    }

    @Override
    public void unsubscribe(String topic, WebSocket ws) {
        WebSocketImpl impl = impl(ws);
        if (!impl.removeTopic(topic)) {
            return;
        }
        if (topics.unsubscribe(topic, impl)) {
            listener.onTopic(topic, false);
        }
    }

    @Override
    public void unsubscribeAll(WebSocket ws) {
        for (String topic : impl(ws).topics().toArray(String[]::new)) {
            unsubscribe(topic, ws);
        }
    }

    @Override
    public void subscribe(String topic, Sink sink) {
        if (!sinkTopics
                .computeIfAbsent(sink, k -> ConcurrentHashMap.newKeySet())
                .add(topic)) {
            return;
        }
        if (topics.subscribe(topic, sink)) {
            listener.onTopic(topic, true);
        }
    }

    @Override
    public void unsubscribe(String topic, Sink sink) {
        Set<String> mine = sinkTopics.get(sink);
        if (mine == null || !mine.remove(topic)) {
            return;
        }
        sinkTopics.computeIfPresent(sink, (k, t) -> t.isEmpty() ? null : t);
        if (topics.unsubscribe(topic, sink)) {
            listener.onTopic(topic, false);
        }
    }

    @Override
    public int subscriberCount(String topic) {
        return topics.subscriberCount(topic);
    }

    /** Topics with at least one local subscriber. */
    public int topicCount() {
        return topics.size();
    }

    /** Visits each active topic and its subscriber count. */
    public void forEachTopic(BiConsumer<String, Integer> visitor) {
        topics.forEach(visitor);
    }

    private static WebSocketImpl impl(WebSocket ws) {
        if (ws instanceof WebSocketImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException("only server-side sockets of this server can subscribe");
    }
}
