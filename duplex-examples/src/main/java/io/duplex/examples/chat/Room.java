package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A chat room: the broker topic {@code room:<name>}, this instance's members by nickname
 * (unique case-insensitively) and the last {@code historySize} messages said on this instance.
 *
 * <p>Every change and the message it publishes happen under the room's lock, so every member sees
 * joins, leaves, messages and presence lists in one order. A joiner's history ends exactly where
 * its live messages begin: the join (subscribe, then history) and every message (record, then
 * publish) are ordered by the lock, and because the handlers run off the event loops the
 * subscription is queued on the joiner's loop behind the deliveries already waiting there (see
 * {@link ChatServer}). Publishing never blocks (the broker queues), so holding the lock is cheap.
 *
 * <p>Threading: safe from any thread.
 */
final class Room {
    final String name;
    final String topic;
    private final Broker broker;
    private final int historySize;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final ArrayDeque<ChatLine> history = new ArrayDeque<>();
    private long lastActive;

    /** A member: its connection and the nickname it joined with. */
    private record Member(Session session, String nick) {}

    Room(String name, Broker broker, int historySize, long now) {
        this.name = name;
        this.topic = "room:" + name;
        this.broker = broker;
        this.historySize = historySize;
        this.lastActive = now;
    }

    /**
     * Adds {@code s} as {@code nick}: tells it {@code joined} and the history, tells the others,
     * publishes the presence list. A nick held by another connection is refused unless {@code
     * resume} is that connection's session id (the same browser after a network drop), which is
     * then aborted and returned.
     */
    synchronized Session join(Session s, String nick, String resume, long now) throws ChatException {
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
        s.ws.send(ServerMessages.history(name, history));
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
        broker.publish(topic, PreparedMessage.text(ServerMessages.left(name, nick)), null);
        publishPresence();
        return true;
    }

    /** Records and publishes a message to everyone in the room, the sender included. */
    synchronized void say(Session s, String text, long now) throws ChatException {
        String nick = s.nick();
        if (nick == null || !new Member(s, nick).equals(members.get(nick.toLowerCase(Locale.ROOT)))) {
            // e.g. a connection whose nick a newer connection has just resumed
            throw new ChatException(ErrorCode.NOT_JOINED, "join a room first");
        }
        ChatLine line = new ChatLine(name, nick, text, now);
        if (historySize > 0) {
            if (history.size() == historySize) {
                history.removeFirst();
            }
            history.addLast(line);
        }
        lastActive = now;
        broker.publish(topic, PreparedMessage.text(line.toJson()), null);
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
