package io.duplex.topics.client;

import io.duplex.Position;
import java.util.concurrent.CompletableFuture;

/**
 * One topic a {@link TopicsClient} subscribed to. The client keeps it across reconnections: it
 * remembers the position of the last publication (or interruption, or subscribe answer) handed to
 * the listener and subscribes again from there after every reconnect.
 *
 * <p>Threading: safe from any thread. The fields below other than {@code last} are guarded by the
 * owning {@link TopicsSession}'s lock.
 */
public final class Subscription {
    private final TopicsSession session;
    private final String topic;
    private final TopicListener listener;
    private final boolean presence;
    private volatile Position last;
    /** The server answered this subscription on the current connection (its publications are ours). */
    boolean confirmed;
    /** Not unsubscribed and not refused. */
    boolean active = true;
    /** Subscribes the server answered UNAVAILABLE in a row, for the retry backoff. */
    volatile int retries;

    Subscription(TopicsSession session, String topic, TopicListener listener, SubscribeOptions options) {
        this.session = session;
        this.topic = topic;
        this.listener = listener;
        this.last = options.since();
        this.presence = options.presence();
    }

    /** Whether this subscription asks for presence events (on every subscribe, resubscribes too). */
    public boolean presence() {
        return presence;
    }

    public String topic() {
        return topic;
    }

    TopicListener listener() {
        return listener;
    }

    /**
     * The position of the last message handed to the listener (what the next resubscribe asks to
     * resume from), or null before the first answer when no starting position was given.
     */
    public Position position() {
        return last;
    }

    void position(Position position) {
        last = position;
    }

    /** Whether the client still tracks this topic (not unsubscribed, not refused by the server). */
    public boolean active() {
        synchronized (session) {
            return active;
        }
    }

    /**
     * Stops the listener at once and ends the subscription on the server: completes on the
     * server's answer, or at once when not connected (a connection's subscriptions end with it).
     */
    public CompletableFuture<Void> unsubscribe() {
        return session.unsubscribe(this);
    }

    @Override
    public String toString() {
        return "Subscription[" + topic + " at " + last + "]";
    }
}
