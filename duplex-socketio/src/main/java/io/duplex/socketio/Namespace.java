package io.duplex.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.socketio.engine.EngineBatch;
import io.duplex.socketio.engine.EnginePacket;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Socket.IO namespace ({@code "/"}, {@code "/admin"}, …): its middleware, its connection
 * listeners, its sockets and rooms, and broadcasts to them.
 *
 * <p>Rooms are broker topics: {@code sio:<namespace>} holds every socket of the namespace, {@code
 * sio:<namespace>:<room>} the sockets in a room (their own id's included). A broadcast to one room
 * or to the whole namespace is one {@link PreparedMessage} published once on its topic; the others
 * (several rooms, {@code except} rooms, binary attachments) are published once on the namespace's
 * control topic {@code sio#<namespace>}, which every node subscribes to, and each node picks its
 * own targets (as the reference's Redis adapter does). With connection state recovery on, events
 * go through the namespace's {@link RecoveryStream} instead. With a broker spanning nodes, the
 * namespace also listens to its request topic {@code sio>}<i>namespace</i> for broadcasts with
 * acknowledgements asked by other nodes ({@link AckBroadcasts}).
 *
 * <p>Threading: safe from any thread. Middleware and connection listeners run on the connecting
 * socket's session queue. The control and request topics' sinks run on the publishing (or
 * relaying) thread.
 */
public final class Namespace {
    private static final System.Logger LOG = System.getLogger(Namespace.class.getName());

    private final SocketIoServer server;
    private final String name;
    private final List<Middleware> middleware = new CopyOnWriteArrayList<>();
    private final List<Consumer<SioSocket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final Map<String, SioSocket> sockets = new ConcurrentHashMap<>();
    private final Map<String, Set<SioSocket>> rooms = new ConcurrentHashMap<>();
    private final Broker.Sink control = this::onControl;
    /** Requests for broadcasts with acks from other nodes; null with the in-memory broker. */
    private final Broker.Sink ackRequests;

    private final RecoveryStream recovery;
    /** Ack ids of the namespace's packets (a socket's emits and broadcasts share them, as the reference). */
    private final AtomicLong ackIds = new AtomicLong();

    Namespace(SocketIoServer server, String name) {
        this.server = server;
        this.name = name;
        this.recovery = server.recovery() ? new RecoveryStream(this, server) : null;
        server.broker().subscribe(controlTopic(), control);
        AckBroadcasts acks = server.acks();
        this.ackRequests = acks == null ? null : (topic, message) -> acks.onRequest(this, message);
        if (ackRequests != null) {
            server.broker().subscribe(AckBroadcasts.requestTopic(name), ackRequests);
        }
    }

    public String name() {
        return name;
    }

    /**
     * Listens to {@code "connection"} (or its alias {@code "connect"}): a socket joined, after
     * every middleware let it in. Register the socket's own handlers here.
     */
    public Namespace on(String event, Consumer<SioSocket> listener) {
        if (!event.equals("connection") && !event.equals("connect")) {
            throw new IllegalArgumentException("a namespace emits \"connection\" only");
        }
        connectionListeners.add(listener);
        return this;
    }

    /** Adds a middleware; they run in order for each connecting socket. */
    public Namespace use(Middleware m) {
        middleware.add(m);
        return this;
    }

    /** The sockets in {@code room}, on every node. */
    public BroadcastOperator to(String room) {
        return new BroadcastOperator(this, Set.of(room), Set.of(), null);
    }

    /** Every socket but those in {@code room}, on every node. */
    public BroadcastOperator except(String room) {
        return new BroadcastOperator(this, Set.of(), Set.of(room), null);
    }

    /**
     * Every socket of the namespace with a timeout for acknowledgements: {@code
     * io.sockets().timeout(Duration.ofSeconds(5)).emitWithAck("ev")}.
     */
    public BroadcastOperator timeout(Duration timeout) {
        return new BroadcastOperator(this, Set.of(), Set.of(), null).timeout(timeout);
    }

    /** Sends an event to every socket of the namespace, on every node; returns the local count. */
    public int emit(String event, Object... args) {
        return new BroadcastOperator(this, Set.of(), Set.of(), null).emit(event, args);
    }

    /** The sockets connected to this node, by id. */
    public Map<String, SioSocket> sockets() {
        return Map.copyOf(sockets);
    }

    // ------------------------------------------------------------------ package

    SocketIoServer server() {
        return server;
    }

    long nextAckId() {
        return ackIds.getAndIncrement();
    }

    String allTopic() {
        return "sio:" + name;
    }

    String topic(String room) {
        return "sio:" + name + ":" + room;
    }

    String controlTopic() {
        return "sio#" + name;
    }

    /** Connection state recovery, or null when it is off. */
    RecoveryStream recovery() {
        return recovery;
    }

    void close() {
        server.broker().unsubscribe(controlTopic(), control);
        if (ackRequests != null) {
            server.broker().unsubscribe(AckBroadcasts.requestTopic(name), ackRequests);
        }
        if (recovery != null) {
            recovery.close();
        }
    }

    List<Middleware> middleware() {
        return middleware;
    }

    /**
     * On the socket's queue: it joined; when recovered, with its rooms and the events it missed
     * ({@code replay}), under the recovery stream's lock (the caller's, held since {@link
     * RecoveryStream#finish}). {@link #announce} follows.
     */
    void attach(SioSocket s, Set<String> restoredRooms, RecoveryStream.Replay replay) {
        if (recovery == null) {
            sockets.put(s.id(), s);
            s.markConnected();
            return;
        }
        synchronized (recovery) {
            sockets.put(s.id(), s);
            if (replay != null) {
                s.replayedUpTo(replay.upTo());
            }
            s.markConnected();
            if (replay != null) {
                for (String room : restoredRooms) {
                    try {
                        s.join(room);
                    } catch (SocketIoException tooMany) {
                        // Only if maxRoomsPerSocket is lower here than where the socket left:
                        // recover it in the rooms that fit rather than fail the recovery.
                        LOG.log(Level.WARNING, "recovered socket {0}: {1}", s.id(), tooMany.getMessage());
                        break;
                    }
                }
                for (EngineBatch b : replay.missed()) {
                    s.sendShared(b);
                }
            }
        }
    }

    /** Tells the connection listeners (outside any lock). */
    void announce(SioSocket s) {
        for (Consumer<SioSocket> l : connectionListeners) {
            l.accept(s);
        }
    }

    void removeSocket(SioSocket s) {
        sockets.remove(s.id(), s);
    }

    Collection<SioSocket> socketsView() {
        return sockets.values();
    }

    Set<SioSocket> members(String room) {
        Set<SioSocket> m = rooms.get(room);
        return m == null ? Set.of() : m;
    }

    void addToRoom(String room, SioSocket s) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(s);
    }

    void removeFromRoom(String room, SioSocket s) {
        rooms.computeIfPresent(room, (r, m) -> {
            m.remove(s);
            return m.isEmpty() ? null : m;
        });
    }

    /** This node's sockets in any of {@code to} (all when empty), none in {@code except}. */
    Set<SioSocket> targets(Set<String> to, Set<String> except) {
        Set<SioSocket> targets = new HashSet<>();
        if (to.isEmpty()) {
            targets.addAll(sockets.values());
        } else {
            for (String r : to) {
                targets.addAll(members(r));
            }
        }
        for (String r : except) {
            targets.removeAll(members(r));
        }
        return targets;
    }

    // ------------------------------------------------------------------ the control topic

    /** Publishes a broadcast every node resolves against its own rooms. */
    void publishControl(Set<String> to, Set<String> except, List<EnginePacket> packets) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("r", to);
        envelope.put("e", except);
        List<String> p = new ArrayList<>(packets.size());
        for (EnginePacket k : packets) {
            p.add(k.pollingText());
        }
        envelope.put("p", p);
        String json;
        try {
            json = SioCodec.JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        server.broker().publish(controlTopic(), PreparedMessage.text(json), null);
    }

    /**
     * With a node-local recovery engine: publishes an event kept for recovery (a stream entry) to
     * every node, each of which stores it in its own stream and delivers it from there.
     */
    void publishStored(PreparedMessage entry) {
        server.broker().publish(controlTopic(), entry, null);
    }

    private void onControl(String topic, PreparedMessage message) {
        JsonNode env;
        try {
            env = SioCodec.JSON.readTree(
                    StandardCharsets.UTF_8.decode(message.payload().duplicate()).toString());
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "bad broadcast on {0}", topic);
            return;
        }
        if (env.has("d")) {
            if (recovery != null) {
                recovery.storeLocal(message);
            }
            return;
        }
        Set<String> to = RecoveryStream.strings(env.path("r"));
        Set<String> except = RecoveryStream.strings(env.path("e"));
        List<EnginePacket> packets = new ArrayList<>();
        for (JsonNode n : env.path("p")) {
            EnginePacket p = EnginePacket.parse(n.asText());
            if (p == null) {
                LOG.log(Level.WARNING, "bad broadcast packet on {0}", topic);
                return;
            }
            packets.add(p);
        }
        EngineBatch batch = new EngineBatch(packets);
        for (SioSocket s : targets(to, except)) {
            s.sendShared(batch);
        }
    }
}
