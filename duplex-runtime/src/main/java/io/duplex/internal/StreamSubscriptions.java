package io.duplex.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One socket's stream subscriptions by topic, so a second subscribe to a topic is refused, a cap
 * can be enforced, and every subscription ends with the socket.
 *
 * <p>Threading: safe from any thread.
 */
public final class StreamSubscriptions {
    private final Map<String, StreamSubscription> byTopic = new ConcurrentHashMap<>();

    /** Adds {@code s} unless its topic is taken or {@code max} are held; false if refused. */
    synchronized boolean add(StreamSubscription s, int max) {
        if (byTopic.size() >= max || byTopic.containsKey(s.topic())) {
            return false;
        }
        byTopic.put(s.topic(), s);
        return true;
    }

    boolean contains(String topic) {
        return byTopic.containsKey(topic);
    }

    int size() {
        return byTopic.size();
    }

    StreamSubscription remove(String topic) {
        return byTopic.remove(topic);
    }

    /** Removes {@code s} if it is still the subscription of its topic. */
    void remove(StreamSubscription s) {
        byTopic.remove(s.topic(), s);
    }

    /** The topics subscribed (a snapshot). */
    public java.util.Set<String> topics() {
        return java.util.Set.copyOf(byTopic.keySet());
    }

    /** The socket closed: ends every subscription. */
    void closeAll() {
        for (StreamSubscription s : byTopic.values()) {
            s.end();
        }
        byTopic.clear();
    }
}
