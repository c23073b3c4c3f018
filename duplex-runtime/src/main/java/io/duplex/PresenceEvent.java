package io.duplex;

import java.util.Objects;

/**
 * A member joined or left a topic.
 *
 * @param topic the topic
 * @param joined true for a join, false for a leave (an unsubscribe, a closed connection, or a node
 *     that stopped refreshing its members — it crashed)
 * @param member the connection
 * @param user true when this is also the user's first connection to join, or its last to leave (two
 *     tabs of one person join once and leave once at user level)
 *     <p>Threading: immutable.
 */
public record PresenceEvent(String topic, boolean joined, Member member, boolean user) {
    public PresenceEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(member, "member");
    }
}
