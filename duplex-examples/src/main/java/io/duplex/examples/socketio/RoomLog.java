package io.duplex.examples.socketio;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One room's recent messages, at most a fixed number (the oldest go first): what a page joining
 * the room is given. It is also the room's lock, so that its messages and member counts reach
 * pages in the order they were stored (see {@link #append} and {@link #locked}).
 *
 * <p>Threading: safe from any thread; every method holds this object's monitor.
 */
final class RoomLog {
    private final String room;
    private final int capacity;
    private final ArrayDeque<Wire.Message> recent;

    RoomLog(String room, int capacity) {
        this.room = room;
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(capacity);
    }

    /**
     * Stores a message and hands it to {@code publish} under the lock: two senders' messages are
     * published in the order of their ids, so pages see the room's order whoever they learn it
     * from (the history, or the broadcast).
     */
    synchronized Wire.Message append(long id, String nick, String text, long time, Consumer<Wire.Message> publish) {
        Wire.Message m = new Wire.Message(id, room, nick, text, time);
        if (recent.size() == capacity) {
            recent.removeFirst();
        }
        recent.addLast(m);
        publish.accept(m);
        return m;
    }

    /** The kept messages, oldest first. */
    synchronized List<Wire.Message> recent() {
        return List.copyOf(recent);
    }

    /** Runs {@code action} under the room's lock (member counts: counted and sent in one step). */
    synchronized <T> T locked(Supplier<T> action) {
        return action.get();
    }
}
