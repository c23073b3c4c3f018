package io.duplex.examples.chat;

import io.duplex.Publication;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The JSON of every server-to-client message except those of a room's stream ({@link ChatCodec}:
 * {@code subscribed}, {@code message}, {@code interrupted}) and {@code metrics} ({@link Metrics});
 * see {@code docs/chat-protocol.md}.
 *
 * <p>Threading: stateless.
 */
final class ServerMessages {
    /**
     * Bumped when a message changes incompatibly (2: messages come from a room's stream, with
     * positions; 3: members from presence, {@code presence} once per join then {@code
     * member-joined} / {@code member-left}).
     */
    static final int PROTOCOL_VERSION = 3;

    private ServerMessages() {}

    static String welcome(String session, int historySize) {
        return JsonWriter.message("welcome")
                .field("protocol", PROTOCOL_VERSION)
                .field("session", session)
                .field("maxText", ClientMessage.MAX_TEXT)
                .field("maxNick", ClientMessage.MAX_NICK)
                .field("history", historySize)
                .toString();
    }

    static String joined(String room, String nick) {
        return JsonWriter.message("joined")
                .field("room", room)
                .field("nick", nick)
                .toString();
    }

    static String left(String room, String nick) {
        return JsonWriter.message("left")
                .field("room", room)
                .field("nick", nick)
                .toString();
    }

    static String typing(String room, String nick) {
        return JsonWriter.message("typing")
                .field("room", room)
                .field("nick", nick)
                .toString();
    }

    /** The member list sent to a joiner: at most {@link ChatPresence#LIST_CAP} nicks of {@code total}. */
    static String presence(String room, Collection<String> nicks, long total) {
        return JsonWriter.message("presence")
                .field("room", room)
                .strings("nicks", nicks)
                .field("total", total)
                .toString();
    }

    /** A user joined ({@code member-joined}) or left ({@code member-left}) the room, on any instance. */
    static String member(boolean joined, String room, String nick) {
        return JsonWriter.message(joined ? "member-joined" : "member-left")
                .field("room", room)
                .field("nick", nick)
                .toString();
    }

    /** The publications of a history page, oldest first; any that are not chat lines are left out. */
    static String history(String room, List<Publication> publications) {
        List<JsonWriter> entries = new ArrayList<>(publications.size());
        for (Publication p : publications) {
            ChatLine line = ChatCodec.read(p);
            if (line != null) {
                entries.add(line.toHistoryEntry(p.position()));
            }
        }
        return JsonWriter.message("history")
                .field("room", room)
                .objects("messages", entries)
                .toString();
    }

    static String error(ErrorCode code, String message) {
        return JsonWriter.message("error")
                .field("code", code.wire())
                .field("message", message)
                .toString();
    }
}
