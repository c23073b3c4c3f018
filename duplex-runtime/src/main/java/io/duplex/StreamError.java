package io.duplex;

/**
 * Why a stream operation was refused: stable codes that the topics wire protocol sends to clients
 * (its {@code code} member, {@link #code()}), so applications can act on them without parsing
 * messages. Refusals are answers, not failures: the connection stays open and nothing else changes.
 *
 * <p>Threading: immutable.
 */
public enum StreamError {
    /** A message of the wire protocol that is not understood (malformed JSON, unknown type, missing member). */
    BAD_MESSAGE(4000),
    /** The topic name is outside the grammar (see {@link Streams#checkTopic}). */
    BAD_TOPIC(4001),
    /** A position is malformed (epoch grammar, negative offset). */
    BAD_POSITION(4002),
    /** A position of the current epoch ahead of the newest publication: it was never handed out. */
    POSITION_AHEAD(4003),
    /** A history request over its limit (page size), or a malformed one. */
    BAD_REQUEST(4004),
    /** The topic has no history configured, so it cannot be read. */
    NO_HISTORY(4005),
    /** A connection holds the most subscriptions it may. */
    TOO_MANY_SUBSCRIPTIONS(4006),
    /** Already subscribed to this topic on this connection. */
    ALREADY_SUBSCRIBED(4007),
    /** Not subscribed to this topic on this connection. */
    NOT_SUBSCRIBED(4008),
    /** The message is larger than a publication may be. */
    TOO_LARGE(4009),
    /** The topic has no presence configured. */
    NO_PRESENCE(4010),
    /** The engine could not store or read (e.g. Redis unreachable); try again later. */
    UNAVAILABLE(5001),
    /** The server refused for its own reasons (e.g. not allowed to publish). */
    FORBIDDEN(4030);

    private final int code;

    StreamError(int code) {
        this.code = code;
    }

    /** The stable numeric code of the wire protocol. */
    public int code() {
        return code;
    }
}
