package io.duplex.topics.client;

import io.duplex.Position;
import java.util.List;
import java.util.Objects;

/**
 * A page of a topic's history as {@link TopicsClient#history} returns it.
 *
 * @param topic the topic
 * @param latest the topic's newest position when the page was read (offset 0 when nothing was
 *     published in its epoch); an epoch other than the one asked about means the history asked
 *     after was lost
 * @param publications in the order asked for (oldest or newest first), consecutive offsets
 *     <p>Threading: immutable.
 */
public record TopicHistoryPage(String topic, Position latest, List<ReceivedPublication> publications) {
    public TopicHistoryPage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(latest, "latest");
        publications = List.copyOf(publications);
    }
}
