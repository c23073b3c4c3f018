package io.duplex.examples.chat;

/**
 * One chat message as kept in a room's history and sent to the room.
 *
 * <p>Threading: immutable.
 *
 * @param ts milliseconds since the epoch, on the server's clock
 */
record ChatLine(String room, String nick, String text, long ts) {

    /** The {@code message} server message. */
    String toJson() {
        return fields(JsonWriter.message("message")).toString();
    }

    /** The line inside a {@code history} message (no type). */
    JsonWriter toHistoryEntry() {
        return fields(JsonWriter.object());
    }

    private JsonWriter fields(JsonWriter w) {
        return w.field("room", room).field("nick", nick).field("text", text).field("ts", ts);
    }
}
