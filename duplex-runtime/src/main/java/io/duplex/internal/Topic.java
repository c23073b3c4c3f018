package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One topic's subscribers: a count, and one list per event loop that is only touched on that loop.
 * A fan-out hands one task to each loop with subscribers, which writes the prepared frame to each
 * of them; the loop flushes at the end of its pass, so everything fanned out during one pass
 * leaves each subscriber in one write (corking).
 *
 * <p>Sinks ({@link Broker.Sink}) are kept in one copy-on-write array and told on the publishing
 * thread.
 *
 * <p>Threading: safe from any thread. The count is guarded by this object's lock; each loop's list
 * is confined to its loop, reached only through tasks queued on it.
 */
public final class Topic {
    /** One loop's subscribers of the topic; confined to that loop. */
    private static final class LoopSubscribers {
        final ArrayList<WebSocketImpl> sockets = new ArrayList<>();
    }

    private static final Broker.Sink[] NO_SINKS = {};

    private int count;
    /** Copy on write: fan-outs read it without a lock. */
    private volatile Broker.Sink[] sinks = NO_SINKS;

    private final Map<EventLoop, LoopSubscribers> byLoop = new ConcurrentHashMap<>();

    /** Subscribers on this node, subscriptions already counted but maybe not yet on their loop. */
    public synchronized int count() {
        return count;
    }

    /** Counts one more subscriber; true if it is the first. */
    synchronized boolean increment() {
        return count++ == 0;
    }

    /** Counts one fewer subscriber; true if it was the last. */
    synchronized boolean decrement() {
        return --count == 0;
    }

    /**
     * Adds {@code ws} to its loop's list. Always queued, even on the loop itself: fan-out tasks of
     * earlier publishes may still be waiting in the loop's queue, and a socket subscribing now
     * must not receive them.
     */
    void add(WebSocketImpl ws) {
        LoopSubscribers subscribers = byLoop.computeIfAbsent(ws.loop(), l -> new LoopSubscribers());
        ws.loop().execute(() -> subscribers.sockets.add(ws));
    }

    /** Removes {@code ws} from its loop's list, queued behind earlier fan-outs like {@link #add}. */
    void remove(WebSocketImpl ws) {
        LoopSubscribers subscribers = byLoop.get(ws.loop());
        if (subscribers != null) {
            ws.loop().execute(() -> subscribers.sockets.remove(ws));
        }
    }

    synchronized void addSink(Broker.Sink sink) {
        Broker.Sink[] s = Arrays.copyOf(sinks, sinks.length + 1);
        s[s.length - 1] = sink;
        sinks = s;
    }

    synchronized void removeSink(Broker.Sink sink) {
        List<Broker.Sink> s = new ArrayList<>(Arrays.asList(sinks));
        s.remove(sink);
        sinks = s.toArray(NO_SINKS);
    }

    /** Tells each sink, on the calling thread; a failing sink does not stop the others. */
    void toSinks(String topic, PreparedMessage message) {
        for (Broker.Sink s : sinks) {
            try {
                s.onMessage(topic, message);
            } catch (RuntimeException e) {
                System.getLogger(Topic.class.getName()).log(System.Logger.Level.WARNING, "broker sink failed", e);
            }
        }
    }

    /**
     * Hands {@code message} to every loop with subscribers, for each subscriber but {@code
     * exclude} (may be null). Never blocks: a subscriber over its outbound limit gets its
     * slow-consumer policy on its own loop.
     */
    void fanOut(PreparedMessage message, WebSocket exclude) {
        byLoop.forEach((loop, subscribers) -> loop.execute(() -> {
            ArrayList<WebSocketImpl> list = subscribers.sockets;
            for (int i = 0, n = list.size(); i < n; i++) {
                WebSocketImpl ws = list.get(i);
                if (ws != exclude) {
                    ws.deliver(message);
                }
            }
        }));
    }
}
