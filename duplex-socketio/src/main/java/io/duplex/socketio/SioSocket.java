package io.duplex.socketio;

import io.duplex.Position;
import io.duplex.WebSocket;
import io.duplex.socketio.engine.EngineBatch;
import io.duplex.socketio.engine.EnginePacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client's connection to one {@link Namespace}: its events, emits, acknowledgements, rooms
 * and per-socket data, as a Socket.IO {@code Socket} on the server.
 *
 * <p>Threading: safe from any thread. Its handlers run on its session's queue, one at a time and
 * in order (see {@link EventHandler}); emits from other threads are handed to that queue.
 */
public final class SioSocket {
    private static final Set<String> RESERVED =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    /** The reasons after which a socket's state is kept for recovery (the reference's list). */
    private static final Set<String> RECOVERABLE = Set.of(
            DisconnectReason.TRANSPORT_ERROR,
            DisconnectReason.TRANSPORT_CLOSE,
            DisconnectReason.FORCED_CLOSE,
            DisconnectReason.PING_TIMEOUT,
            "server shutting down",
            "forced server close");

    private final String id;
    private final String pid;
    private volatile boolean recovered;
    /** The last stream position its recovery replayed (live deliveries up to it are skipped). */
    private volatile Position replayedUpTo;

    private final Namespace nsp;
    private final SioClient client;
    private final Handshake handshake;
    private final Map<String, Object> data = new ConcurrentHashMap<>();
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Map<String, List<EventHandler>> handlers = new ConcurrentHashMap<>();
    private final List<AnyEventHandler> anyHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<List<Object>>> acks = new ConcurrentHashMap<>();
    private volatile boolean connected;

    SioSocket(String id, String pid, boolean recovered, Namespace nsp, SioClient client, Handshake handshake) {
        this.id = id;
        this.pid = pid;
        this.recovered = recovered;
        this.nsp = nsp;
        this.client = client;
        this.handshake = handshake;
    }

    /** The socket's id (also the name of the room it is always in). */
    public String id() {
        return id;
    }

    /**
     * Whether this socket is a recovered one (connection state recovery): same id, rooms and data
     * as before the client lost its connection, and the events it missed were sent again.
     */
    public boolean recovered() {
        return recovered;
    }

    public Namespace namespace() {
        return nsp;
    }

    public Handshake handshake() {
        return handshake;
    }

    /** Per-socket data, for middleware and handlers. */
    public Map<String, Object> data() {
        return data;
    }

    public boolean connected() {
        return connected;
    }

    /** The Engine.IO transport in use now: {@code polling} or {@code websocket}. */
    public String transport() {
        return client.session().isWebSocket() ? "websocket" : "polling";
    }

    /** Handles the event {@code event} ({@code "disconnect"}: the reason is the one argument). */
    public SioSocket on(String event, EventHandler handler) {
        if (event.equals("disconnect")) {
            disconnectListeners.add(reason -> handler.onEvent(List.of(reason), null));
            return this;
        }
        handlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
        return this;
    }

    /** Handles every event, before the handlers of its name. */
    public SioSocket onAny(AnyEventHandler handler) {
        anyHandlers.add(handler);
        return this;
    }

    /** Told once, with the reason, when the socket disconnects. */
    public SioSocket onDisconnect(Consumer<String> listener) {
        disconnectListeners.add(listener);
        return this;
    }

    /** Sends an event to this client. */
    public SioSocket emit(String event, Object... args) {
        checkEvent(event);
        RecoveryStream recovery = nsp.recovery();
        if (recovery == null) {
            send(SioCodec.encode(SioPacket.EVENT, nsp.name(), -1, eventData(event, args, null)));
            return this;
        }
        // With recovery, the event carries an offset and is kept: sent again if the client comes
        // back having missed it (as the reference, which broadcasts it to the socket's own room).
        // Delivered from the namespace's stream to the room of its id (the socket that has it
        // then: this one, or the one that recovered it, on whichever node).
        recovery.emit(Set.of(id), Set.of(), event, args, true);
        return this;
    }

    /**
     * Sends an event the client acknowledges: the future completes with the ack's arguments, or
     * fails with a {@link TimeoutException} after {@code timeout} or a {@link SocketIoException}
     * when the socket disconnects first.
     */
    public CompletableFuture<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
        checkEvent(event);
        CompletableFuture<List<Object>> f = new CompletableFuture<>();
        if (!connected) {
            f.completeExceptionally(new SocketIoException("socket is disconnected"));
            return f;
        }
        long ackId = nsp.nextAckId();
        acks.put(ackId, f);
        ScheduledFuture<?> timer = client.server()
                .engine()
                .schedule(
                        () -> {
                            if (acks.remove(ackId) != null) {
                                f.completeExceptionally(new TimeoutException("operation has timed out"));
                            }
                        },
                        timeout.toMillis());
        f.whenComplete((v, e) -> timer.cancel(false));
        send(SioCodec.encode(SioPacket.EVENT, nsp.name(), ackId, eventData(event, args, null)));
        return f;
    }

    /**
     * Joins a room of this namespace.
     *
     * @throws SocketIoException when this socket is already in {@code maxRoomsPerSocket} rooms
     *     (its own id's room included; {@link SocketIoServer.Builder#maxRoomsPerSocket}): each room
     *     is a broker topic the server holds for it, so a client that can make the application
     *     join rooms for it must not be able to make it hold them without bound
     */
    public void join(String room) {
        if (!connected) {
            return;
        }
        synchronized (rooms) {
            if (rooms.contains(room)) {
                return;
            }
            int max = nsp.server().maxRoomsPerSocket();
            if (rooms.size() >= max) {
                throw new SocketIoException("too many rooms: a socket may be in at most " + max
                        + " (maxRoomsPerSocket), its own id's included");
            }
            rooms.add(room);
        }
        nsp.addToRoom(room, this);
        client.subscribe(nsp.topic(room));
    }

    public void leave(String room) {
        boolean removed;
        synchronized (rooms) {
            removed = rooms.remove(room);
        }
        if (removed) {
            nsp.removeFromRoom(room, this);
            client.unsubscribe(nsp.topic(room));
        }
    }

    /** The rooms this socket is in (its own id's included). */
    public Set<String> rooms() {
        return Set.copyOf(rooms);
    }

    /** Everyone in {@code room} but this socket. */
    public BroadcastOperator to(String room) {
        return nsp.to(room).exceptSocket(this);
    }

    /** Everyone in the namespace but this socket. */
    public BroadcastOperator broadcast() {
        return new BroadcastOperator(nsp, Set.of(), Set.of(), this);
    }

    /**
     * Disconnects this socket from its namespace (the client sees {@code "io server disconnect"});
     * with {@code close}, ends the whole Engine.IO session.
     */
    public void disconnect(boolean close) {
        client.session().queue().execute(() -> {
            if (close) {
                client.closeAll(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
            } else if (connected) {
                send(SioCodec.encode(SioPacket.DISCONNECT, nsp.name(), -1, null));
                client.remove(this);
                disconnected(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
            }
        });
    }

    // ------------------------------------------------------------------ package: the client's side

    void send(List<EnginePacket> packets) {
        client.session().send(packets);
    }

    void sendShared(EngineBatch batch) {
        if (connected) {
            client.session().send(batch);
        }
    }

    void markConnected() {
        connected = true;
        client.subscribe(nsp.allTopic());
        join(id);
    }

    String pid() {
        return pid;
    }

    /** Under the recovery stream's lock: the replay covered the stream up to {@code p}. */
    void replayedUpTo(Position p) {
        replayedUpTo = p;
    }

    /** Whether the live publication at {@code p} was sent already by this socket's replay. */
    boolean replayed(Position p) {
        Position r = replayedUpTo;
        return r != null && r.epoch().equals(p.epoch()) && p.offset() <= r.offset();
    }

    /** A restore that could not be finished after the middleware ran: a socket like a new one. */
    void notRecovered() {
        recovered = false;
    }

    /** The socket's WebSocket when its session subscribes it to topics directly, else null. */
    WebSocket directWebSocket() {
        return client.session().directWebSocket();
    }

    /** On the queue: an event from the client. */
    void onEvent(List<Object> args, long ackId) {
        String event = String.valueOf(args.get(0));
        List<Object> rest = Collections.unmodifiableList(new ArrayList<>(args.subList(1, args.size())));
        Ack ack = ackId < 0 ? null : ack(ackId);
        for (AnyEventHandler h : anyHandlers) {
            h.onEvent(event, rest, ack);
        }
        List<EventHandler> hs = handlers.get(event);
        if (hs == null) {
            return;
        }
        for (EventHandler h : hs) {
            h.onEvent(rest, ack);
        }
    }

    private Ack ack(long ackId) {
        AtomicBoolean sent = new AtomicBoolean();
        return args -> {
            if (sent.compareAndSet(false, true) && connected) {
                send(SioCodec.encode(SioPacket.ACK, nsp.name(), ackId, Arrays.asList(args)));
            }
        };
    }

    /**
     * Waits for the client's ack of packet {@code ackId} (a broadcast with acks); the future is
     * failed with a {@link SocketIoException} if the socket disconnects first.
     */
    CompletableFuture<List<Object>> expectAck(long ackId) {
        CompletableFuture<List<Object>> f = new CompletableFuture<>();
        acks.put(ackId, f);
        if (!connected && acks.remove(ackId) != null) {
            f.completeExceptionally(new SocketIoException("socket is disconnected"));
        }
        return f;
    }

    /** Acks this socket still waits for (its emits and broadcasts with acks). */
    int pendingAcks() {
        return acks.size();
    }

    /** Stops waiting for the ack of {@code ackId} (its broadcast completed or timed out). */
    void dropAck(long ackId) {
        acks.remove(ackId);
    }

    /** On the queue: the client acknowledged an emit. */
    void onAck(long ackId, List<Object> args) {
        CompletableFuture<List<Object>> f = acks.remove(ackId);
        if (f != null) {
            f.complete(args);
        }
    }

    /** On the queue: the socket is gone; listeners learn why, pending acks fail. */
    void disconnected(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        RecoveryStream recovery = nsp.recovery();
        if (recovery != null && RECOVERABLE.contains(reason)) {
            recovery.persist(id, pid, rooms, data);
        }
        for (String room : rooms) {
            nsp.removeFromRoom(room, this);
            client.unsubscribe(nsp.topic(room));
        }
        client.unsubscribe(nsp.allTopic());
        rooms.clear();
        nsp.removeSocket(this);
        for (Long k : acks.keySet()) {
            CompletableFuture<List<Object>> f = acks.remove(k);
            if (f != null) {
                f.completeExceptionally(new SocketIoException("socket has been disconnected"));
            }
        }
        for (Consumer<String> l : disconnectListeners) {
            l.accept(reason);
        }
    }

    static void checkEvent(String event) {
        if (RESERVED.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    /** {@code [event, ...args]}, and the offset last when the packet is kept for recovery. */
    static List<Object> eventData(String event, Object[] args, String offset) {
        Object[] all = new Object[args.length + (offset == null ? 1 : 2)];
        all[0] = event;
        System.arraycopy(args, 0, all, 1, args.length);
        if (offset != null) {
            all[all.length - 1] = offset;
        }
        return Arrays.asList(all);
    }

    @Override
    public String toString() {
        return "SioSocket[" + nsp.name() + " " + id + "]";
    }
}
