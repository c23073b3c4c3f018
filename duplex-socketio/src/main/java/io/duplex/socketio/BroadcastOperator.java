package io.duplex.socketio;

import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.socketio.engine.EnginePacket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A broadcast target: the sockets of a namespace in some rooms (all of them when none is named),
 * minus those in excluded rooms and an excluded socket, on every node sharing the broker.
 *
 * <p>{@link #emit} encodes the packet once. To one room (or the whole namespace), without {@code
 * except} rooms, binary attachments or recovery, it is one {@link PreparedMessage} published once
 * on the room's broker topic: the broker frames it once, writes it corked to each WebSocket
 * subscriber with its slow-consumer policy, hands it to the long-polling sessions' sinks, and
 * relays it to the other nodes. Otherwise it is published once on the namespace's control topic
 * and each node resolves the targets against its own rooms (see {@link Namespace}); with
 * connection state recovery on, it is an entry of the namespace's stream, which every node
 * delivers to its own targets (see {@link SocketIoServer.Builder#connectionStateRecovery}).
 *
 * <p>Threading: immutable; safe from any thread. The future of {@link #emitWithAck} completes on
 * the session queue of the last client of this node to answer, on the broker's delivering thread
 * when the last piece came from another node (Lettuce's for {@code RedisBroker}), or on the
 * engine's timer thread at the timeout: what depends on it must not block.
 */
public final class BroadcastOperator {
    private final Namespace nsp;
    private final Set<String> rooms;
    private final Set<String> except;
    private final SioSocket exceptSocket;
    private final Duration timeout;

    BroadcastOperator(Namespace nsp, Set<String> rooms, Set<String> except, SioSocket exceptSocket) {
        this(nsp, rooms, except, exceptSocket, null);
    }

    private BroadcastOperator(
            Namespace nsp, Set<String> rooms, Set<String> except, SioSocket exceptSocket, Duration timeout) {
        this.nsp = nsp;
        this.rooms = Set.copyOf(rooms);
        this.except = Set.copyOf(except);
        this.exceptSocket = exceptSocket;
        this.timeout = timeout;
    }

    /** The same targets, with how long {@link #emitWithAck} waits for every client's ack. */
    public BroadcastOperator timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new BroadcastOperator(nsp, rooms, except, exceptSocket, timeout);
    }

    /** Adds a room to the targets. */
    public BroadcastOperator to(String room) {
        Set<String> r = new HashSet<>(rooms);
        r.add(room);
        return new BroadcastOperator(nsp, r, except, exceptSocket, timeout);
    }

    /** Leaves out the sockets in {@code room}. */
    public BroadcastOperator except(String room) {
        Set<String> e = new HashSet<>(except);
        e.add(room);
        return new BroadcastOperator(nsp, rooms, e, exceptSocket, timeout);
    }

    BroadcastOperator exceptSocket(SioSocket s) {
        return new BroadcastOperator(nsp, rooms, except, s, timeout);
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

    /**
     * Sends an event with an acknowledgement to every target, on every node sharing the broker,
     * and completes with their responses (each client's first ack argument, in the order they
     * came) once every client that received it answered; fails with a {@link
     * BroadcastAckTimeoutException} carrying the responses so far when one has not answered within
     * the {@link #timeout} (the reference's {@code io.timeout(ms).emitWithAck(…)}: a client that
     * disconnects without answering counts as missing). No targets: completes with an empty list
     * (at once on one node). Each node encodes the event once under one ack id of its own (the
     * namespace's, shared by its sockets' emits, as the reference); it carries no recovery offset
     * (the reference keeps no packet with an ack).
     *
     * <p>With the in-memory broker this node's sockets are all there are: nothing is published.
     * With a broker spanning nodes ({@code RedisBroker}), the reference Redis adapter's protocol
     * (see {@link AckBroadcasts}): one request published to every node serving the namespace,
     * which answers with its number of targets and then each of their acks; the broker tells how
     * many nodes must answer ({@link io.duplex.Broker#subscribedNodes}). Binary arguments and
     * binary answers ({@code byte[]}) cross nodes as they are.
     */
    public CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
        if (timeout == null) {
            throw new IllegalStateException("a broadcast with acks needs timeout(…) first");
        }
        SioSocket.checkEvent(event);
        AckBroadcasts acrossNodes = nsp.server().acks();
        if (acrossNodes != null) {
            return acrossNodes.emitWithAck(nsp, rooms, allExcept(), timeout, event, args);
        }
        AckCollector collector = new AckCollector();
        LocalAcks local = LocalAcks.expect(
                nsp,
                rooms,
                allExcept(),
                ackId -> SioCodec.encode(SioPacket.EVENT, nsp.name(), ackId, SioSocket.eventData(event, args, null)),
                collector::answer);
        collector.count("", local.count());
        collector.nodes(1);
        if (local.count() == 0) {
            return collector.result(); // completed: nobody to wait for
        }
        ScheduledFuture<?> timer = nsp.server().engine().schedule(collector::timeout, timeout.toMillis());
        collector.result().whenComplete((v, x) -> {
            timer.cancel(false);
            local.forget();
        });
        local.send();
        return collector.result();
    }
}
