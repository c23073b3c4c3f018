package io.duplex.socketio;

import io.duplex.socketio.engine.EngineBatch;
import java.util.HashSet;
import java.util.Set;

/**
 * A broadcast target: the sockets of a namespace in some rooms (all of them when none is named),
 * minus those in excluded rooms and an excluded socket. {@link #emit} encodes the packet once and
 * hands the same bytes to every target (WebSocket targets share one framed message).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class BroadcastOperator {
    private final Namespace nsp;
    private final Set<String> rooms;
    private final Set<String> except;
    private final SioSocket exceptSocket;

    BroadcastOperator(Namespace nsp, Set<String> rooms, Set<String> except, SioSocket exceptSocket) {
        this.nsp = nsp;
        this.rooms = Set.copyOf(rooms);
        this.except = Set.copyOf(except);
        this.exceptSocket = exceptSocket;
    }

    /** Adds a room to the targets. */
    public BroadcastOperator to(String room) {
        Set<String> r = new HashSet<>(rooms);
        r.add(room);
        return new BroadcastOperator(nsp, r, except, exceptSocket);
    }

    /** Leaves out the sockets in {@code room}. */
    public BroadcastOperator except(String room) {
        Set<String> e = new HashSet<>(except);
        e.add(room);
        return new BroadcastOperator(nsp, rooms, e, exceptSocket);
    }

    BroadcastOperator exceptSocket(SioSocket s) {
        return new BroadcastOperator(nsp, rooms, except, s);
    }

    /** The sockets this broadcast reaches now. */
    public Set<SioSocket> sockets() {
        Set<SioSocket> targets = new HashSet<>();
        if (rooms.isEmpty()) {
            targets.addAll(nsp.socketsView());
        } else {
            for (String r : rooms) {
                targets.addAll(nsp.members(r));
            }
        }
        for (String r : except) {
            targets.removeAll(nsp.members(r));
        }
        if (exceptSocket != null) {
            targets.remove(exceptSocket);
        }
        return targets;
    }

    /** Sends an event to every target; returns how many it was handed to. */
    public int emit(String event, Object... args) {
        SioSocket.checkEvent(event);
        EngineBatch batch =
                new EngineBatch(SioCodec.encode(SioPacket.EVENT, nsp.name(), -1, SioSocket.eventData(event, args)));
        Set<SioSocket> targets = sockets();
        for (SioSocket s : targets) {
            s.sendShared(batch);
        }
        return targets.size();
    }
}
