package io.duplex;

import java.util.Objects;

/**
 * One message published on a topic with its place in the topic's stream.
 *
 * @param topic the topic
 * @param position its epoch and offset
 * @param message the payload (text or binary), framed once for every subscriber
 * @param timeMillis when the engine stored it (epoch milliseconds; the engine's clock)
 *     <p>Threading: immutable.
 */
public record Publication(String topic, Position position, PreparedMessage message, long timeMillis) {
    public Publication {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
    }

    /** The offset within the epoch. */
    public long offset() {
        return position.offset();
    }
}
