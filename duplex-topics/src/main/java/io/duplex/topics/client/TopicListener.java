package io.duplex.topics.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;

/**
 * Receives one topic's stream from a {@link TopicsClient}. Every method has a no-op default.
 *
 * <p>Threading: called on the client's event-loop thread (or its handler executor, serially), one
 * call at a time and in the order the server sent them, so a topic's publications arrive in offset
 * order. Do not block in these methods: the next message waits for them to return.
 */
public interface TopicListener {
    /**
     * The server answered a subscribe: the first one, and the one the client sends by itself after
     * every reconnect (with the last position it processed).
     *
     * @param recovered true when every publication after the client's last position follows (the
     *     missed ones first), or when the client had no position yet; false when that cannot be
     *     promised (a new epoch: the server restarted or lost its history; or too much was missed):
     *     reload your state, then take publications from {@code position} on
     * @param position where the stream stands for this subscriber now
     */
    default void onSubscribed(boolean recovered, Position position) {}

    /** A publication; its offset is the previous position's plus one within an epoch. */
    default void onPublication(Position position, JsonNode data) {}

    /**
     * Publications in between could not be delivered (they left the history, or the epoch changed):
     * reload your state, then continue from {@code position}.
     */
    default void onInterrupted(Position position) {}

    /**
     * A connection joined the topic (only for subscriptions that asked for presence events).
     *
     * @param user true when it is the user's first connection on the topic (the user arrived)
     */
    default void onJoin(PresenceMember member, boolean user) {}

    /**
     * A connection left the topic: unsubscribed, closed, or its server node stopped.
     *
     * @param user true when it was the user's last connection on the topic (the user is gone)
     */
    default void onLeave(PresenceMember member, boolean user) {}

    /**
     * The server refused the subscription ({@code code} as in docs/topics-protocol.md, e.g. 4030
     * FORBIDDEN); the client no longer tracks the topic.
     */
    default void onError(int code, String message) {}
}
