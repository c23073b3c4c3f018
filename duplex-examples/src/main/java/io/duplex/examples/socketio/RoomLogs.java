package io.duplex.examples.socketio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Every room's {@link RoomLog}, made on first join and kept (a demo's rooms are few), at most
 * {@code maxRooms} of them so that made-up room names cannot fill the memory; and the message ids,
 * one sequence for the whole server.
 *
 * <p>Threading: safe from any thread.
 */
final class RoomLogs {
    /** 1–32 characters of {@code a-z}, {@code 0-9} and {@code -}, as the plain chat demo's rooms. */
    static final Pattern ROOM = Pattern.compile("[a-z0-9-]{1,32}");

    private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final int historySize;
    private final int maxRooms;

    RoomLogs(int historySize, int maxRooms) {
        this.historySize = historySize;
        this.maxRooms = maxRooms;
    }

    /** The room's log, made if needed; null when the room is new and there are too many rooms. */
    RoomLog open(String room) {
        RoomLog log = logs.get(room);
        if (log != null) {
            return log;
        }
        // The count is read before the insert, so under a burst of new rooms it may be passed by
        // a few (one per concurrent joiner): a soft cap is enough against unbounded growth.
        if (logs.size() >= maxRooms) {
            return null;
        }
        return logs.computeIfAbsent(room, r -> new RoomLog(r, historySize));
    }

    /** The next message id. */
    long nextId() {
        return ids.incrementAndGet();
    }
}
