package io.duplex.examples.chat;

import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEvent;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.Subscribed;
import java.nio.charset.StandardCharsets;

/**
 * The chat protocol's side of a room's stream (topic {@code chat.<room>}): the {@code subscribed}
 * answer to a join, each chat line as a {@code message} carrying its {@code epoch} and {@code
 * offset}, {@code interrupted} when the runtime cannot deliver a stretch of the stream, and the
 * room's joins and leaves from presence ({@code member-joined}, {@code member-left}). See
 * {@code docs/chat-protocol.md}.
 *
 * <p>Threading: stateless; the runtime calls it from event loops concurrently.
 */
final class ChatCodec implements StreamCodec {
    /** Room topics are {@code chat.<room>}; room names are valid topic characters. */
    static final String PREFIX = "chat.";

    static String topic(String room) {
        return PREFIX + room;
    }

    static String room(String topic) {
        return topic.startsWith(PREFIX) ? topic.substring(PREFIX.length()) : topic;
    }

    @Override
    public PreparedMessage subscribed(Subscribed result) {
        return PreparedMessage.text(position(JsonWriter.message("subscribed"), room(result.topic()), result.position())
                .field("recovered", result.recovered())
                .field("replayed", result.replayed())
                .toString());
    }

    @Override
    public PreparedMessage publication(Publication p) {
        return PreparedMessage.text(toJson(p));
    }

    @Override
    public PreparedMessage interrupted(String topic, Position current) {
        return PreparedMessage.text(position(JsonWriter.message("interrupted"), room(topic), current)
                .toString());
    }

    /**
     * A user joined or left the room, on any instance: {@code member-joined} / {@code member-left}.
     * Only user-level events are told: a second connection of one nick (a page resuming its
     * session) is the same member. Anonymous members (see {@link ChatPresence#identity}) are not.
     */
    @Override
    public PreparedMessage presence(PresenceEvent event) {
        String nick = ChatPresence.nick(event.member().info());
        if (!event.user() || nick == null) {
            return null;
        }
        return PreparedMessage.text(ServerMessages.member(event.joined(), room(event.topic()), nick));
    }

    /**
     * A publication as the {@code message} it stands for. A payload that is not a chat line (some
     * other publisher on the topic) becomes {@code skipped}, so a page still learns the position.
     */
    static String toJson(Publication p) {
        String room = room(p.topic());
        ChatLine line = read(p);
        if (line == null) {
            return position(JsonWriter.message("skipped"), room, p.position()).toString();
        }
        return line.toJson(p.position());
    }

    /** The chat line a publication holds, or null. */
    static ChatLine read(Publication p) {
        if (!p.message().isText()) {
            return null;
        }
        return ChatLine.fromPayload(
                room(p.topic()),
                StandardCharsets.UTF_8.decode(p.message().payload()).toString());
    }

    private static JsonWriter position(JsonWriter w, String room, Position position) {
        return w.field("room", room).field("epoch", position.epoch()).field("offset", position.offset());
    }
}
