package io.duplex.examples.chat;

import io.duplex.Position;
import java.util.Map;

/**
 * What a browser may send (see {@code docs/chat-protocol.md}): {@code join}, {@code leave},
 * {@code message}, {@code typing} and {@code history}, parsed and validated by {@link #parse(String)}. Unknown
 * members are ignored so that newer pages can talk to older servers; known members must have the
 * right type.
 *
 * <p>Threading: immutable values.
 */
sealed interface ClientMessage {
    int MAX_ROOM = 32;
    int MAX_NICK = 24;
    int MAX_TEXT = 1000;
    int MAX_RESUME = 64;

    /** Offsets are JSON numbers: beyond 2^53 a page could not hold them exactly. */
    long MAX_OFFSET = (1L << 53) - 1;

    /**
     * Join {@code room} as {@code nick}; {@code resume} (may be null) reclaims the nick of a lost
     * connection; {@code since} (may be null) is the room's last position the page saw, from which
     * the missed messages are replayed.
     */
    record Join(String room, String nick, String resume, Position since) implements ClientMessage {}

    record Leave() implements ClientMessage {}

    record Say(String text) implements ClientMessage {}

    record Typing() implements ClientMessage {}

    /** Send me the room's latest messages again (a page that was told {@code interrupted}). */
    record Reload() implements ClientMessage {}

    /** Parses and validates one client message. */
    static ClientMessage parse(String json) throws ChatException {
        Map<String, Object> m;
        try {
            m = JsonReader.readObject(json);
        } catch (JsonReader.MalformedJsonException e) {
            throw new ChatException(ErrorCode.BAD_JSON, e.getMessage());
        }
        String type = string(m, "type");
        return switch (type) {
            case "join" ->
                new Join(
                        Names.room(string(m, "room")),
                        Names.nick(string(m, "nick")),
                        optionalString(m, "resume"),
                        position(m));
            case "leave" -> new Leave();
            case "message" -> new Say(Names.text(string(m, "text")));
            case "typing" -> new Typing();
            case "history" -> new Reload();
            default -> throw new ChatException(ErrorCode.UNKNOWN_TYPE, "unknown message type");
        };
    }

    private static String string(Map<String, Object> m, String name) throws ChatException {
        Object v = m.get(name);
        if (v == null || v == JsonReader.NULL) {
            throw new ChatException(ErrorCode.MISSING_FIELD, "\"" + name + "\" is required");
        }
        if (!(v instanceof String s)) {
            throw new ChatException(ErrorCode.WRONG_TYPE, "\"" + name + "\" must be a string");
        }
        return s;
    }

    /** {@code epoch} and {@code offset}: both or neither. */
    private static Position position(Map<String, Object> m) throws ChatException {
        Object epoch = m.get("epoch");
        Object offset = m.get("offset");
        boolean hasEpoch = epoch != null && epoch != JsonReader.NULL;
        boolean hasOffset = offset != null && offset != JsonReader.NULL;
        if (!hasEpoch && !hasOffset) {
            return null;
        }
        if (hasEpoch != hasOffset) {
            throw new ChatException(ErrorCode.MISSING_FIELD, "\"epoch\" and \"offset\" go together");
        }
        if (!(epoch instanceof String e)) {
            throw new ChatException(ErrorCode.WRONG_TYPE, "\"epoch\" must be a string");
        }
        if (!(offset instanceof Double o)) {
            throw new ChatException(ErrorCode.WRONG_TYPE, "\"offset\" must be a number");
        }
        if (!Position.validEpoch(e) || o < 0 || o > MAX_OFFSET || o != Math.floor(o)) {
            throw new ChatException(ErrorCode.BAD_POSITION, "not a position this server hands out");
        }
        return new Position(e, o.longValue());
    }

    private static String optionalString(Map<String, Object> m, String name) throws ChatException {
        Object v = m.get(name);
        if (v == null || v == JsonReader.NULL) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > MAX_RESUME) {
            throw new ChatException(ErrorCode.WRONG_TYPE, "\"" + name + "\" must be a short string");
        }
        return s;
    }
}
