package io.duplex.socketio;

import io.duplex.socketio.engine.EngineBatch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Connection state recovery for one namespace, in this node's memory (the reference's in-memory
 * session-aware adapter): the packets stored with their offsets and targets, at most {@code
 * maxPackets} and none older than {@code maxDisconnectionDuration}, and the sessions of sockets
 * that lost their connection (id, rooms, data), kept as long.
 *
 * <p>Threading: safe from any thread (one lock; each call is short and never calls out).
 */
final class RecoveryStore {
    /** What a recovered socket gets back. */
    record Restored(String sid, String pid, Set<String> rooms, Map<String, Object> data, List<EngineBatch> missed) {}

    private record Packet(String offset, long at, Set<String> to, Set<String> except, EngineBatch batch) {}

    private record Session(String sid, String pid, Set<String> rooms, Map<String, Object> data, long at) {}

    private final long maxAgeNanos;
    private final int maxPackets;
    private final ArrayDeque<Packet> packets = new ArrayDeque<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private long lastSweep = System.nanoTime();

    RecoveryStore(Duration maxDisconnectionDuration, int maxPackets) {
        this.maxAgeNanos = maxDisconnectionDuration.toNanos();
        this.maxPackets = maxPackets;
    }

    /** Keeps a packet sent (or that would have been sent) to the sockets in {@code to} minus {@code except}. */
    synchronized void store(String offset, Set<String> to, Set<String> except, EngineBatch batch) {
        long now = System.nanoTime();
        expire(now);
        if (packets.size() >= maxPackets) {
            packets.poll();
        }
        packets.add(new Packet(offset, now, Set.copyOf(to), Set.copyOf(except), batch));
    }

    /** Keeps the state of a socket that lost its connection, under its private id. */
    synchronized void persist(String sid, String pid, Set<String> rooms, Map<String, Object> data) {
        long now = System.nanoTime();
        expire(now);
        sessions.put(pid, new Session(sid, pid, Set.copyOf(rooms), Map.copyOf(data), now));
    }

    /**
     * The session {@code pid} with the packets after {@code offset} meant for it, or null when it
     * is unknown, expired, or the offset is no longer (or never was) stored. Taken: a private id
     * recovers once.
     */
    synchronized Restored restore(String pid, String offset) {
        long now = System.nanoTime();
        expire(now);
        Session s = sessions.remove(pid);
        if (s == null || now - s.at > maxAgeNanos) {
            return null;
        }
        List<EngineBatch> missed = new ArrayList<>();
        boolean found = false;
        for (Packet p : packets) {
            if (!found) {
                found = p.offset.equals(offset);
                continue;
            }
            if (meantFor(p, s.rooms)) {
                missed.add(p.batch);
            }
        }
        return found ? new Restored(s.sid, s.pid, s.rooms, s.data, missed) : null;
    }

    private static boolean meantFor(Packet p, Set<String> rooms) {
        boolean in = p.to.isEmpty();
        for (String r : p.to) {
            if (rooms.contains(r)) {
                in = true;
                break;
            }
        }
        if (!in) {
            return false;
        }
        for (String r : p.except) {
            if (rooms.contains(r)) {
                return false;
            }
        }
        return true;
    }

    private void expire(long now) {
        while (!packets.isEmpty() && now - packets.peek().at > maxAgeNanos) {
            packets.poll();
        }
        if (now - lastSweep < 1_000_000_000L) {
            return; // sessions are swept at most once a second; restore checks its own age
        }
        lastSweep = now;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (now - it.next().at > maxAgeNanos) {
                it.remove();
            }
        }
    }

    synchronized int packetCount() {
        return packets.size();
    }

    synchronized int sessionCount() {
        return sessions.size();
    }
}
