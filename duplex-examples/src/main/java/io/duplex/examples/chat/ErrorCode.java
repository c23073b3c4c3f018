package io.duplex.examples.chat;

/**
 * The {@code code} of an {@code error} message (see {@code docs/chat-protocol.md}). An error never
 * closes the connection; only persistent rate-limit abuse does (close code 1008).
 *
 * <p>Threading: an enum; immutable.
 */
enum ErrorCode {
    /** The message is not one flat JSON object. */
    BAD_JSON("bad_json"),
    /** {@code type} names no client message. */
    UNKNOWN_TYPE("unknown_type"),
    /** A required member is absent. */
    MISSING_FIELD("missing_field"),
    /** A member has the wrong JSON type. */
    WRONG_TYPE("wrong_type"),
    /** Room names are 1–32 characters of {@code [a-z0-9-]}. */
    BAD_ROOM("bad_room"),
    /** Nicknames are 1–24 characters without control characters. */
    BAD_NICK("bad_nick"),
    /** Someone in the room already has this nickname (compared case-insensitively). */
    NICK_TAKEN("nick_taken"),
    /** The text is blank or holds control characters other than newline and tab. */
    BAD_TEXT("bad_text"),
    /** The text is longer than 1000 characters. */
    TEXT_TOO_LONG("text_too_long"),
    /** {@code message}, {@code typing} or {@code leave} before a {@code join}. */
    NOT_JOINED("not_joined"),
    /** More than the rate limit allows; the message was dropped. */
    RATE_LIMITED("rate_limited"),
    /** The server keeps no more rooms and none is empty. */
    TOO_MANY_ROOMS("too_many_rooms"),
    /** {@code join}'s {@code epoch}/{@code offset} are malformed, or name a position never handed out. */
    BAD_POSITION("bad_position"),
    /** The room's messages could not be stored or read (e.g. the stream engine is unreachable). */
    UNAVAILABLE("unavailable"),
    /** The chat speaks text (JSON) only. */
    BINARY_NOT_SUPPORTED("binary_not_supported");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire. */
    String wire() {
        return wire;
    }
}
