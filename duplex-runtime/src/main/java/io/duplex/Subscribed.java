package io.duplex;

import java.util.Objects;

/**
 * The outcome of a stream subscription.
 *
 * @param topic the topic
 * @param recovered true when every publication after the position asked for is delivered (first
 *     the missed ones, then the live ones, no gap and no duplicate) or no position was asked for;
 *     false when that cannot be promised (another epoch, the position fell out of history, more
 *     than {@link History#maxRecovery()} missed): the subscriber receives live publications from
 *     {@code position} on and should reload its state
 * @param position the topic's newest position when the subscription was answered: when recovered,
 *     every publication up to it is sent before the live ones; when not, delivery starts after it
 * @param replayed how many missed publications are sent before the live ones
 *     <p>Threading: immutable.
 */
public record Subscribed(String topic, boolean recovered, Position position, int replayed) {
    public Subscribed {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
    }
}
