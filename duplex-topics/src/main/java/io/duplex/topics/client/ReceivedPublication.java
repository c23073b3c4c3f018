package io.duplex.topics.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import java.util.Objects;

/**
 * A publication as a client receives it, from a subscription or a history page.
 *
 * @param topic the topic
 * @param position its epoch and offset
 * @param timeMillis when the server's engine stored it (milliseconds since 1970, the engine's clock)
 * @param data the payload: the JSON value published, or a {@link
 *     com.fasterxml.jackson.databind.node.BinaryNode} for a binary payload (sent base64-encoded on
 *     the wire)
 *     <p>Threading: immutable (do not modify {@code data}).
 */
public record ReceivedPublication(String topic, Position position, long timeMillis, JsonNode data) {
    public ReceivedPublication {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(data, "data");
    }
}
