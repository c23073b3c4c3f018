package io.duplex.topics.client;

import java.util.List;
import java.util.Objects;

/**
 * A page of a topic's members as {@link TopicsClient#presence} returns it.
 *
 * @param topic the topic
 * @param members at most the limit asked for, in no particular order
 * @param cursor what to ask the next page with, or null after the last page
 *     <p>Threading: immutable.
 */
public record TopicPresencePage(String topic, List<PresenceMember> members, String cursor) {
    public TopicPresencePage {
        Objects.requireNonNull(topic, "topic");
        members = List.copyOf(members);
    }
}
