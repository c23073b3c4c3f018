package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A chat room: this instance's members by nickname (unique case-insensitively here; across
 * instances see {@link ChatPresence}), the stream {@code chat.<name>} for what is said and who is
 * present ({@link ChatStreams}: positions, history, replay on rejoin; presence: its subscribers are
 * its members), and the broker topic {@code room:<name>} for typing indicators only.
 *
 * <p>Membership changes happen under the room's lock. A joiner's history ends exactly where its
 * stream subscription begins (see {@link ChatStreams#subscribe}); its member list is read once it
 * is present ({@link #confirm}). Publishing never blocks (broker and engine queue), so holding the
 * lock is cheap.
 *
 * <p>Threading: safe from any thread.
 */
final class Room {
    final String name;
    final String topic;
    private final Broker broker;
    private final ChatStreams streams;
    private final ChatPresence presence;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private long lastActive;

    /** A member: its connection and the nickname it joined with. */
    private record Member(Session session, String nick) {}

    Room(String name, Broker broker, ChatStreams streams, ChatPresence presence, long now) {
        this.name = name;
        this.topic = "room:" + name;
        this.broker = broker;
        this.streams = streams;
        this.presence = presence;
        this.lastActive = now;
    }

    /**
     * Adds {@code s} as {@code nick}: tells it {@code joined} and subscribes it to the room's stream
     * from {@code since} (the missed messages, or a history), which makes it a member of the room's
     * presence (the others are told by {@link ChatCodec#presence}). A nick held by another
     * connection of this instance is refused unless {@code resume} is that connection's session id
     * (the same browser after a network drop), which then no longer speaks for the nick and is
     * closed once the new one is present ({@link #confirm}). {@code resumedTag} is the tag of the
     * connection {@code resume} names, or null.
     */
    synchronized void join(Session s, String nick, String resume, String resumedTag, Position since, long now)
            throws ChatException {
        streams.checkReady(); // before anything changes: a refused join leaves no trace
        String key = nick.toLowerCase(Locale.ROOT);
        Member holder = members.get(key);
        Session replaced = null;
        if (holder != null && holder.session() != s) {
            if (!holder.session().resumableWith(resume)) {
                throw new ChatException(ErrorCode.NICK_TAKEN, "someone in this room is already called that");
            }
            replaced = holder.session();
            replaced.left(); // whatever the old connection still sends no longer speaks for the nick
        }
        members.put(key, new Member(s, nick));
        s.joined(this, nick);
        lastActive = now;
        s.ws.subscribe(topic);
        s.ws.send(ServerMessages.joined(name, nick));
        Session old = replaced;
        streams.subscribe(s.ws, name, since, () -> confirm(s, nick, resumedTag, old));
    }

    /**
     * Once {@code s} is answered: checks that no connection of another instance took the nick
     * meanwhile, closes the connection it resumed, and sends it the member list.
     *
     * <p>Two instances may each let a nick in at once (each checked presence before the other's
     * member was there). Each checks again once its own member is visible to every instance: then
     * at least one of the two sees the other, and whoever sees a rival gives way ({@code
     * nick_taken}) — so at most one keeps the nick, and rarely neither (both retry).
     */
    private void confirm(Session s, String nick, String resumedTag, Session replaced) {
        presence.holdersOnceVisible(name, nick, s.tag).whenComplete((holders, e) -> {
            if (e == null && ChatPresence.takenByOther(holders, s.tag, resumedTag) && leave(s)) {
                s.ws.send(ServerMessages.error(ErrorCode.NICK_TAKEN, "someone in this room is already called that"));
            } else if (s.room() == this) {
                presence.sendList(s.ws, name);
            }
            if (replaced != null) {
                // Closed only now, so its leave follows the new connection's join: one member throughout.
                replaced.ws.close(ChatHandler.REPLACED, "session resumed by a newer connection");
            }
        });
    }

    /** Removes {@code s} if it is (still) a member, and tells the room. */
    synchronized boolean leave(Session s) {
        String nick = s.nick();
        if (nick == null || !members.remove(nick.toLowerCase(Locale.ROOT), new Member(s, nick))) {
            return false;
        }
        s.left();
        s.ws.unsubscribe(topic);
        streams.unsubscribe(s.ws, name);
        return true;
    }

    /**
     * Publishes a message on the room's stream, for everyone in the room, the sender included
     * (its confirmation), and for the history.
     */
    synchronized void say(Session s, String text, long now) throws ChatException {
        String nick = s.nick();
        if (nick == null || !new Member(s, nick).equals(members.get(nick.toLowerCase(Locale.ROOT)))) {
            // e.g. a connection whose nick a newer connection has just resumed
            throw new ChatException(ErrorCode.NOT_JOINED, "join a room first");
        }
        lastActive = now;
        streams.publish(new ChatLine(name, nick, text, now), s.ws);
    }

    /** Tells everyone else that {@code s} is typing. */
    void typing(Session s) {
        String nick = s.nick();
        if (nick != null) {
            broker.publish(topic, PreparedMessage.text(ServerMessages.typing(name, nick)), s.ws);
        }
    }

    synchronized int memberCount() {
        return members.size();
    }

    synchronized long lastActive() {
        return lastActive;
    }
}
