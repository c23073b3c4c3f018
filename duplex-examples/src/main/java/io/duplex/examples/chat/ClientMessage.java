package io.duplex.examples.chat;

import java.util.Map;

/**
 * What a browser may send (see {@code docs/chat-protocol.md}): {@code join}, {@code leave},
 * {@code message} and {@code typing}, parsed and validated by {@link #parse(String)}. Unknown
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

    /** Join {@code room} as {@code nick}; {@code resume} (may be null) reclaims the nick of a lost connection. */
    record Join(String room, String nick, String resume) implements ClientMessage {}

    record Leave() implements ClientMessage {}

    record Say(String text) implements ClientMessage {}

    record Typing() implements ClientMessage {}

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
                new Join(Names.room(string(m, "room")), Names.nick(string(m, "nick")), optionalString(m, "resume"));
            case "leave" -> new Leave();
            case "message" -> new Say(Names.text(string(m, "text")));
            case "typing" -> new Typing();
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
