package io.duplex;

/**
 * How a stream subscriber is told things: the messages the server sends it, in a wire protocol of
 * the application's choosing (the topics protocol of module duplex-topics is one). The runtime
 * calls it on the subscriber's event loop and sends what it returns, in this order per topic: one
 * {@link #subscribed}, then publications with consecutive offsets, and {@link #interrupted} in
 * place of any it could not deliver.
 *
 * <p>A method may return null to send nothing (e.g. a codec for subscribers that need no answer);
 * publications must then still be told apart by their content, since offsets are not sent.
 *
 * <p>Threading: called from event loops, concurrently; must be thread-safe and must not block. A
 * publication is encoded once per codec instance and sent to every subscriber using that codec.
 */
public interface StreamCodec {
    /** The answer to a subscribe, sent before any publication of the topic. */
    PreparedMessage subscribed(Subscribed result);

    /** A publication. */
    PreparedMessage publication(Publication publication);

    /**
     * Continuity was lost on a live subscription (publications between the last one sent and
     * {@code current} cannot be delivered, or the epoch changed): delivery goes on from {@code
     * current}; the subscriber should reload its state, as for {@code recovered = false}.
     */
    PreparedMessage interrupted(String topic, Position current);

    /**
     * A member joined or left a topic with presence (sent only after {@link #subscribed}); the
     * default sends nothing, so codecs without presence need not care.
     */
    default PreparedMessage presence(PresenceEvent event) {
        return null;
    }
}
