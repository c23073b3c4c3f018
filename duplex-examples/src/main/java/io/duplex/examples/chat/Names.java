package io.duplex.examples.chat;

/**
 * The rules for room names, nicknames and message text. Lengths are counted in UTF-16 code
 * units, as JavaScript's {@code String.length} and the pages' {@code maxlength} count them, which
 * also bounds the UTF-8 size (at most 3 bytes per unit) below the 4 KiB message limit.
 *
 * <p>Threading: stateless.
 */
final class Names {
    private Names() {}

    /** 1–32 characters of {@code [a-z0-9-]}. */
    static String room(String room) throws ChatException {
        if (room.isEmpty() || room.length() > ClientMessage.MAX_ROOM) {
            throw new ChatException(ErrorCode.BAD_ROOM, "a room name has 1 to 32 characters");
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw new ChatException(ErrorCode.BAD_ROOM, "a room name uses only a-z, 0-9 and '-'");
            }
        }
        return room;
    }

    /**
     * Stripped of surrounding white space, then 1–24 characters with no control characters, line
     * separators or bidirectional overrides (which could make one nick look like another).
     */
    static String nick(String nick) throws ChatException {
        String n = nick.strip();
        if (n.isEmpty() || n.length() > ClientMessage.MAX_NICK) {
            throw new ChatException(ErrorCode.BAD_NICK, "a nickname has 1 to 24 characters");
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (isControl(c) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                throw new ChatException(ErrorCode.BAD_NICK, "a nickname cannot hold control characters");
            }
        }
        return n;
    }

    /** 1–1000 characters, not blank; newline and tab are the only control characters allowed. */
    static String text(String text) throws ChatException {
        if (text.length() > ClientMessage.MAX_TEXT) {
            throw new ChatException(ErrorCode.TEXT_TOO_LONG, "a message has at most 1000 characters");
        }
        if (text.isBlank()) {
            throw new ChatException(ErrorCode.BAD_TEXT, "a message cannot be empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\t' && isControl(c)) {
                throw new ChatException(ErrorCode.BAD_TEXT, "a message cannot hold control characters");
            }
        }
        return text;
    }

    private static boolean isControl(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
