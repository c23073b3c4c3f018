package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A chat room: this instance's members by nickname (unique case-insensitively), the broker topic
 * {@code room:<name>} for what is ephemeral (joins, leaves, presence, typing) and the stream
 * {@code chat.<name>} for what is said ({@link ChatStreams}: positions, history, replay on rejoin).
 *
 * <p>Every membership change and the messages it publishes happen under the room's lock, so every
 * member sees joins, leaves and presence lists in one order. Chat lines are ordered by their
 * stream offsets instead; they are not ordered against presence messages (two channels). A
 * joiner's history ends exactly where its stream subscription begins (see {@link
 * ChatStreams#subscribe}). Publishing never blocks (broker and engine queue), so holding the lock
 * is cheap.
 *
 * <p>Threading: safe from any thread.
 */
final class Room {
    final String name;
    final String topic;
    private final Broker broker;
    private final ChatStreams streams;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private long lastActive;

    /** A member: its connection and the nickname it joined with. */
    private record Member(Session session, String nick) {}

    Room(String name, Broker broker, ChatStreams streams, long now) {
        this.name = name;
        this.topic = "room:" + name;
        this.broker = broker;
        this.streams = streams;
        this.lastActive = now;
    }

    /**
     * Adds {@code s} as {@code nick}: tells it {@code joined}, subscribes it to the room's stream
     * from {@code since} (the missed messages, or a history), tells the others, publishes the
     * presence list. A nick held by another connection is refused unless {@code resume} is that
     * connection's session id (the same browser after a network drop), which is then aborted and
     * returned.
     */
    synchronized Session join(Session s, String nick, String resume, Position since, long now) throws ChatException {
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
        streams.subscribe(s.ws, name, since);
        if (holder == null) {
            broker.publish(topic, PreparedMessage.text(ServerMessages.joined(name, nick)), s.ws);
        }
        publishPresence();
        return replaced;
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
        broker.publish(topic, PreparedMessage.text(ServerMessages.left(name, nick)), null);
        publishPresence();
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

    synchronized List<String> nicks() {
        List<String> nicks = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            nicks.add(m.nick());
        }
        return nicks;
    }

    private void publishPresence() {
        broker.publish(topic, PreparedMessage.text(ServerMessages.presence(name, nicks())), null);
    }
}
