package io.duplex.examples.chat;

import io.duplex.Broker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This instance's rooms, created on first join. At most {@code maxRooms} are kept: when a new one
 * is needed and the table is full, the empty room idle the longest is forgotten (with its
 * history); if none is empty the join is refused with {@code too_many_rooms}. That bounds the
 * memory a client can make the server keep to {@code maxRooms × history × 1000} characters.
 *
 * <p>Threading: safe from any thread. Joins go through this object's lock, so a room cannot be
 * forgotten while someone is joining it (lock order: rooms, then room).
 */
final class Rooms {
    private final Broker broker;
    private final int maxRooms;
    private final int historySize;
    private final Map<String, Room> rooms = new HashMap<>();

    Rooms(Broker broker, int maxRooms, int historySize) {
        this.broker = broker;
        this.maxRooms = maxRooms;
        this.historySize = historySize;
    }

    /** Joins {@code s} to the room called {@code name}; returns the connection it replaced, if any. */
    synchronized Session join(String name, Session s, String nick, String resume, long now) throws ChatException {
        Room room = rooms.get(name);
        if (room == null) {
            if (rooms.size() >= maxRooms && !forgetIdlestEmptyRoom()) {
                throw new ChatException(ErrorCode.TOO_MANY_ROOMS, "the server has no room for more rooms");
            }
            room = new Room(name, broker, historySize, now);
            rooms.put(name, room);
        }
        return room.join(s, nick, resume, now);
    }

    private boolean forgetIdlestEmptyRoom() {
        Room idlest = null;
        for (Room r : rooms.values()) {
            if (r.memberCount() == 0 && (idlest == null || r.lastActive() < idlest.lastActive())) {
                idlest = r;
            }
        }
        if (idlest == null) {
            return false;
        }
        rooms.remove(idlest.name);
        return true;
    }

    /** A room's name and local member count. */
    record Occupancy(String name, int members) {}

    /** Rooms with members, most crowded first, at most {@code limit}. */
    synchronized List<Occupancy> occupied(int limit) {
        List<Occupancy> list = new ArrayList<>();
        for (Room r : rooms.values()) {
            int n = r.memberCount();
            if (n > 0) {
                list.add(new Occupancy(r.name, n));
            }
        }
        list.sort((a, b) -> a.members() != b.members()
                ? Integer.compare(b.members(), a.members())
                : a.name().compareTo(b.name()));
        return list.size() > limit ? List.copyOf(list.subList(0, limit)) : list;
    }
}
