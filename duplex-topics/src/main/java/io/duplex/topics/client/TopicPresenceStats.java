package io.duplex.topics.client;

import java.util.Objects;

/**
 * How many are present on a topic, as {@link TopicsClient#presenceStats} returns it.
 *
 * @param topic the topic
 * @param connections members (connections)
 * @param users distinct users
 *     <p>Threading: immutable.
 */
public record TopicPresenceStats(String topic, long connections, long users) {
    public TopicPresenceStats {
        Objects.requireNonNull(topic, "topic");
    }
}
