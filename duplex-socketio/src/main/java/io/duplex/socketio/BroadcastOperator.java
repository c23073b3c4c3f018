package io.duplex.socketio;

import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.socketio.engine.EnginePacket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A broadcast target: the sockets of a namespace in some rooms (all of them when none is named),
 * minus those in excluded rooms and an excluded socket, on every node sharing the broker.
 *
 * <p>{@link #emit} encodes the packet once. To one room (or the whole namespace), without {@code
 * except} rooms, binary attachments or recovery, it is one {@link PreparedMessage} published once
 * on the room's broker topic: the broker frames it once, writes it corked to each WebSocket
 * subscriber with its slow-consumer policy, hands it to the long-polling sessions' sinks, and
 * relays it to the other nodes. Otherwise it is published once on the namespace's control topic
 * and each node resolves the targets against its own rooms (see {@link Namespace}).
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

    /** The sockets of this node this broadcast reaches now. */
    public Set<SioSocket> sockets() {
        return nsp.targets(rooms, allExcept());
    }

    private Set<String> allExcept() {
        if (exceptSocket == null) {
            return except;
        }
        Set<String> e = new HashSet<>(except);
        e.add(exceptSocket.id()); // a socket is always in the room of its own id
        return e;
    }

    /**
     * Sends an event to every target, on every node; returns how many sockets of this node it was
     * handed to.
     */
    public int emit(String event, Object... args) {
        SioSocket.checkEvent(event);
        SocketIoServer server = nsp.server();
        RecoveryStream recovery = nsp.recovery();
        if (recovery != null) {
            Set<String> e = allExcept();
            int local = nsp.targets(rooms, e).size();
            recovery.emit(rooms, e, event, args, false);
            return local;
        }
        List<EnginePacket> packets =
                SioCodec.encode(SioPacket.EVENT, nsp.name(), -1, SioSocket.eventData(event, args, null));
        WebSocket excludeWs = exceptSocket == null ? null : exceptSocket.directWebSocket();
        if (packets.size() == 1
                && rooms.size() <= 1
                && except.isEmpty()
                && (exceptSocket == null || excludeWs != null)) {
            String topic = rooms.isEmpty()
                    ? nsp.allTopic()
                    : nsp.topic(rooms.iterator().next());
            return server.broker()
                    .publish(topic, PreparedMessage.text(packets.get(0).wsText()), excludeWs);
        }
        Set<String> e = allExcept();
        int local = nsp.targets(rooms, e).size();
        nsp.publishControl(rooms, e, packets);
        return local;
    }
}
