package io.duplex;

/**
 * Presence of a topic (off unless set on the server builder for the topic or a pattern): its stream
 * subscribers are its members.
 *
 * @param events whether join and leave events are sent to subscribers that ask for them (turn off
 *     for very large topics and use {@link Streams#presenceStats} instead)
 * @param maxInfoBytes the largest member info, in UTF-8 bytes; a larger one is refused ({@code
 *     TOO_LARGE}) and the subscribe fails
 *     <p>Threading: immutable.
 */
public record PresenceOptions(boolean events, int maxInfoBytes) {
    /** The default cap on member info. */
    public static final int DEFAULT_MAX_INFO_BYTES = 1024;

    public PresenceOptions {
        if (maxInfoBytes < 0 || maxInfoBytes > 64 * 1024) {
            throw new IllegalArgumentException("maxInfoBytes must be 0..65536, was " + maxInfoBytes);
        }
    }

    /** Presence with events and the default info cap. */
    public static PresenceOptions enabled() {
        return new PresenceOptions(true, DEFAULT_MAX_INFO_BYTES);
    }

    /** The same without join and leave events. */
    public PresenceOptions withoutEvents() {
        return new PresenceOptions(false, maxInfoBytes);
    }
}
