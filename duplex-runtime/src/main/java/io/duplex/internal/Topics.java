package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The topics of one in-process broker: name to {@link Topic}, a topic existing exactly while it has
 * at least one local subscriber. Subscribing and unsubscribing tell their caller when a topic
 * gains its first or loses its last subscriber, so a scale-out broker can follow (e.g. Redis
 * SUBSCRIBE/UNSUBSCRIBE).
 *
 * <p>Threading: safe from any thread; see {@link Topic} for the per-loop confinement.
 */
public final class Topics {
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

    /**
     * Hands {@code message} to the topic's subscribers but {@code exclude}.
     *
     * @return the topic's subscriber count at the time, {@code exclude} included if subscribed
     */
    public int publish(String topic, PreparedMessage message, WebSocket exclude) {
        Topic t = topics.get(topic);
        if (t == null) {
            return 0;
        }
        int count = t.count();
        t.fanOut(message, exclude);
        t.toSinks(topic, message);
        return count;
    }

    /**
     * Adds {@code ws}, which must not already be subscribed to {@code topic} (the socket's own
     * {@link WebSocketImpl#topics()} tells). Returns true if it is the topic's first subscriber.
     */
    public boolean subscribe(String topic, WebSocketImpl ws) {
        boolean[] first = {false};
        // Counted inside compute: an unsubscribe racing to remove the topic cannot drop it under us.
        Topic t = topics.compute(topic, (name, existing) -> {
            Topic state = existing != null ? existing : new Topic();
            first[0] = state.increment();
            return state;
        });
        t.add(ws);
        return first[0];
    }

    /**
     * Removes {@code ws}, which must be subscribed to {@code topic}. Returns true if it was the
     * topic's last subscriber (the topic is then gone).
     */
    public boolean unsubscribe(String topic, WebSocketImpl ws) {
        boolean[] last = {false};
        Topic[] mine = {null};
        topics.computeIfPresent(topic, (name, t) -> {
            mine[0] = t;
            last[0] = t.decrement();
            return last[0] ? null : t;
        });
        if (mine[0] != null) {
            mine[0].remove(ws);
        }
        return last[0];
    }

    /** Adds a sink not yet subscribed to {@code topic}; true if it is the topic's first subscriber. */
    public boolean subscribe(String topic, Broker.Sink sink) {
        boolean[] first = {false};
        Topic t = topics.compute(topic, (name, existing) -> {
            Topic state = existing != null ? existing : new Topic();
            first[0] = state.increment();
            return state;
        });
        t.addSink(sink);
        return first[0];
    }

    /** Removes a subscribed sink; true if it was the topic's last subscriber. */
    public boolean unsubscribe(String topic, Broker.Sink sink) {
        boolean[] last = {false};
        Topic[] mine = {null};
        topics.computeIfPresent(topic, (name, t) -> {
            mine[0] = t;
            last[0] = t.decrement();
            return last[0] ? null : t;
        });
        if (mine[0] != null) {
            mine[0].removeSink(sink);
        }
        return last[0];
    }

    public int subscriberCount(String topic) {
        Topic t = topics.get(topic);
        return t == null ? 0 : t.count();
    }

    /** Topics with at least one local subscriber. */
    public int size() {
        return topics.size();
    }

    /** Visits each active topic and its subscriber count. */
    public void forEach(BiConsumer<String, Integer> visitor) {
        topics.forEach((name, t) -> visitor.accept(name, t.count()));
    }
}
