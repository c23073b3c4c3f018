package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This instance's rooms, created on first join. At most {@code maxRooms} are kept: when a new one
 * is needed and the table is full, the empty room idle the longest is forgotten; if none is empty
 * the join is refused with {@code too_many_rooms}. A room's history is its stream's, kept by the
 * stream engine (bounded per room by the history size and ttl), not here.
 *
 * <p>Threading: safe from any thread. Joins go through this object's lock, so a room cannot be
 * forgotten while someone is joining it (lock order: rooms, then room).
 */
final class Rooms {
    private final Broker broker;
    private final ChatStreams streams;
    private final ChatPresence presence;
    private final int maxRooms;
    private final Map<String, Room> rooms = new HashMap<>();

    Rooms(Broker broker, ChatStreams streams, ChatPresence presence, int maxRooms) {
        this.broker = broker;
        this.streams = streams;
        this.presence = presence;
        this.maxRooms = maxRooms;
    }

    /** Joins {@code s} to the room called {@code name} (see {@link Room#join}). */
    synchronized void join(
            String name, Session s, String nick, String resume, String resumedTag, Position since, long now)
            throws ChatException {
        Room room = rooms.get(name);
        if (room == null) {
            if (rooms.size() >= maxRooms && !forgetIdlestEmptyRoom()) {
                throw new ChatException(ErrorCode.TOO_MANY_ROOMS, "the server has no room for more rooms");
            }
            room = new Room(name, broker, streams, presence, now);
            rooms.put(name, room);
        }
        room.join(s, nick, resume, resumedTag, since, now);
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
