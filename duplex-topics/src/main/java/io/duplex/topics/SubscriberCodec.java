package io.duplex.topics;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.Subscribed;

/**
 * The codec of one subscribe request: its {@code subscribed} answer carries the request's id;
 * publications and interruptions are the shared {@link TopicsCodec}'s, so a publication is still
 * encoded once for every subscriber.
 *
 * <p>Threading: immutable; thread-safe as its shared codec is.
 */
final class SubscriberCodec implements StreamCodec {
    private final TopicsCodec shared;
    private final JsonNode id;

    SubscriberCodec(TopicsCodec shared, JsonNode id) {
        this.shared = shared;
        this.id = id;
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
}
