package io.duplex.topics.client;

import io.duplex.Position;

/**
 * How {@link TopicsClient#subscribe(String, TopicListener, SubscribeOptions)} subscribes.
 *
 * @param since the last position the application processed, or null for live publications only
 * @param presence whether to receive the topic's join and leave events ({@link TopicListener#onJoin},
 *     {@link TopicListener#onLeave}); asked again on every resubscribe after a reconnect. A topic
 *     without presence, or whose events the server turned off, sends none
 *     <p>Threading: immutable.
 */
public record SubscribeOptions(Position since, boolean presence) {
    /** Live publications only, no presence events. */
    public static SubscribeOptions defaults() {
        return new SubscribeOptions(null, false);
    }

    /** The same, resuming after {@code position}. */
    public SubscribeOptions since(Position position) {
        return new SubscribeOptions(position, presence);
    }

    /** The same, with presence events. */
    public SubscribeOptions withPresence() {
        return new SubscribeOptions(since, true);
    }
}
