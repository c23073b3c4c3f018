package io.duplex.examples.chat;

import io.duplex.Position;
import java.util.Map;

/**
 * One chat message: what a room's stream keeps and what members are sent.
 *
 * <p>Threading: immutable.
 *
 * @param ts milliseconds since the epoch, on the server's clock
 */
record ChatLine(String room, String nick, String text, long ts) {

    /**
     * The publication payload: nick, text and ts only, since the room is the topic and the
     * position is given by the stream (see {@link ChatCodec}).
     */
    String toPayload() {
        return JsonWriter.object()
                .field("nick", nick)
                .field("text", text)
                .field("ts", ts)
                .toString();
    }

    /** Reads a payload published on {@code room}'s stream, or null when it is not one of ours. */
    static ChatLine fromPayload(String room, String json) {
        try {
            Map<String, Object> m = JsonReader.readObject(json);
            if (m.get("nick") instanceof String nick
                    && m.get("text") instanceof String text
                    && m.get("ts") instanceof Double ts) {
                return new ChatLine(room, nick, text, ts.longValue());
            }
        } catch (JsonReader.MalformedJsonException e) {
            // not a chat line (another publisher on the topic): the caller skips it
        }
        return null;
    }

    /** The {@code message} server message, with the line's place in the room's stream. */
    String toJson(Position position) {
        return fields(JsonWriter.message("message"), position).toString();
    }

    /** The line inside a {@code history} message (no type). */
    JsonWriter toHistoryEntry(Position position) {
        return fields(JsonWriter.object(), position);
    }

    private JsonWriter fields(JsonWriter w, Position position) {
        return w.field("room", room)
                .field("nick", nick)
                .field("text", text)
                .field("ts", ts)
                .field("epoch", position.epoch())
                .field("offset", position.offset());
    }
}
