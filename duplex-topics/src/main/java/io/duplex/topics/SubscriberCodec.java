package io.duplex.topics;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEvent;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.Subscribed;

/**
 * The codec of one subscribe request: its {@code subscribed} answer carries the request's id;
 * publications, interruptions and presence events are the shared {@link TopicsCodec}'s, so each is
 * still encoded once for every subscriber. Presence events pass only when the subscribe asked for
 * them.
 *
 * <p>Threading: immutable; thread-safe as its shared codec is.
 */
final class SubscriberCodec implements StreamCodec {
    private final TopicsCodec shared;
    private final JsonNode id;
    private final boolean presence;

    /**
     * @param presence whether this subscriber is sent the topic's join and leave events: it asked,
     *     and the topic has presence with events on (the runtime hands events to every member)
     */
    SubscriberCodec(TopicsCodec shared, JsonNode id, boolean presence) {
        this.shared = shared;
        this.id = id;
        this.presence = presence;
    }

    @Override
    public PreparedMessage subscribed(Subscribed result) {
        return PreparedMessage.text(shared.subscribed(id, result));
    }

    @Override
    public PreparedMessage publication(Publication publication) {
        return shared.publication(publication);
    }

    @Override
    public PreparedMessage interrupted(String topic, Position current) {
        return shared.interrupted(topic, current);
    }

    @Override
    public PreparedMessage presence(PresenceEvent event) {
        return presence ? shared.presence(event) : null;
    }
}
