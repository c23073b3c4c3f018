package io.duplex;

import io.duplex.internal.EventLoop;
import io.duplex.internal.WebSocketImpl;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The in-process {@link Broker}. Subscribers are kept per topic and per event loop; a publish hands
 * one task to each loop that has subscribers, which writes the prepared frame to each of them. The
 * writes are corked: everything published during one loop pass leaves each subscriber in one
 * write. A subscriber over its outbound limit gets the slow-consumer policy (drop the message, or
 * close with 1008) and the publisher is never blocked (after uWebSockets' pub/sub).
 *
 * <p>Threading: safe from any thread. Per-loop subscriber lists are only touched on their loop.
 */
public final class InMemoryBroker implements Broker {

    /** Told when a topic gains its first or loses its last local subscriber (e.g. Redis relay). */
    public interface TopicListener {
        void onTopic(String topic, boolean active);
    }

    private static final class LoopSubscribers {
        final ArrayList<WebSocketImpl> sockets = new ArrayList<>();
    }

    private static final class Topic {
        int count;
        final Map<EventLoop, LoopSubscribers> byLoop = new ConcurrentHashMap<>();
    }

    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private volatile TopicListener listener = (t, active) -> {};

    /** Sets the listener for topic activity (one; used by scale-out brokers). */
    public void topicListener(TopicListener listener) {
        this.listener = listener;
    }

    @Override
    public int publish(String topic, PreparedMessage message, WebSocket exclude) {
        Topic t = topics.get(topic);
        if (t == null) {
            return 0;
        }
        int count;
        synchronized (t) {
            count = t.count;
        }
        t.byLoop.forEach((loop, subscribers) -> loop.execute(() -> {
            ArrayList<WebSocketImpl> list = subscribers.sockets;
            for (int i = 0, n = list.size(); i < n; i++) {
                WebSocketImpl ws = list.get(i);
                if (ws != exclude) {
                    ws.deliver(message);
                }
            }
        }));
        // The sender is left out only if it is a subscriber: a publisher that did not subscribe
        // reaches every subscriber.
        return exclude != null && exclude.topics().contains(topic) ? count - 1 : count;
    }

    @Override
    public void subscribe(String topic, WebSocket ws) {
        WebSocketImpl impl = impl(ws);
        if (!impl.topics().add(topic)) {
            return;
        }
        boolean[] first = {false};
        Topic t = topics.compute(topic, (name, existing) -> {
            Topic topicState = existing != null ? existing : new Topic();
            synchronized (topicState) {
                first[0] = topicState.count++ == 0;
            }
            return topicState;
        });
        LoopSubscribers subscribers = t.byLoop.computeIfAbsent(impl.loop(), l -> new LoopSubscribers());
        onLoop(impl, () -> subscribers.sockets.add(impl));
        if (first[0]) {
            listener.onTopic(topic, true);
        }
    }

    @Override
    public void unsubscribe(String topic, WebSocket ws) {
        WebSocketImpl impl = impl(ws);
        if (!impl.topics().remove(topic)) {
            return;
        }
        boolean[] last = {false};
        LoopSubscribers[] mine = {null};
        topics.computeIfPresent(topic, (name, t) -> {
            mine[0] = t.byLoop.get(impl.loop());
            synchronized (t) {
                last[0] = --t.count == 0;
            }
            return last[0] ? null : t;
        });
        if (mine[0] != null) {
            LoopSubscribers subscribers = mine[0];
            onLoop(impl, () -> subscribers.sockets.remove(impl));
        }
        if (last[0]) {
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
    public int subscriberCount(String topic) {
        Topic t = topics.get(topic);
        if (t == null) {
            return 0;
        }
        synchronized (t) {
            return t.count;
        }
    }

    /** Topics with at least one local subscriber. */
    public int topicCount() {
        return topics.size();
    }

    /** Visits each active topic and its subscriber count. */
    public void forEachTopic(BiConsumer<String, Integer> visitor) {
        topics.forEach((name, t) -> visitor.accept(name, subscriberCount(name)));
    }

    /**
     * Always queued, even on the loop itself: fan-out tasks of earlier publishes may still be
     * waiting in the loop's queue, and a socket subscribing now must not receive them.
     */
    private static void onLoop(WebSocketImpl ws, Runnable r) {
        ws.loop().execute(r);
    }

    private static WebSocketImpl impl(WebSocket ws) {
        if (ws instanceof WebSocketImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException("only server-side sockets of this server can subscribe");
    }
}
