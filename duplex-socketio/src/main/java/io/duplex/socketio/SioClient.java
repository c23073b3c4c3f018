package io.duplex.socketio;

import io.duplex.Broker;
import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.socketio.engine.EngineListener;
import io.duplex.socketio.engine.EngineSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets, reassembles binary ones from their
 * attachments, connects namespaces (through their middleware), and routes events and acks to the
 * session's sockets.
 *
 * <p>Its sockets' rooms are broker topics. A session opened on WebSocket subscribes its socket to
 * them (the broker's corked fan-out and slow-consumer policy apply); any other (long polling, and
 * polling later upgraded) subscribes this client as a {@link Broker.Sink}, which hands each
 * message to the session: the packet of its next poll, or the shared frame once upgraded.
 *
 * <p>Threading: confined to the session's queue (every {@link EngineListener} call runs there),
 * except {@link #onMessage} (the sink), called from any thread, which only hands over to the
 * session.
 */
final class SioClient implements EngineListener, Broker.Sink {

    private final SocketIoServer server;
    private final EngineSession session;
    private final Map<String, SioSocket> sockets = new LinkedHashMap<>();
    private SioPacket binaryPacket;
    private final List<byte[]> attachments = new ArrayList<>();
    private ScheduledFuture<?> connectTimer;
    /** Namespaces whose connect waits for a recovery lookup. */
    private final Set<String> connecting = new HashSet<>();

    SioClient(SocketIoServer server, EngineSession session) {
        this.server = server;
        this.session = session;
        // A session that joins no namespace in time is closed (the reference's connectTimeout).
        connectTimer = server.engine()
                .schedule(
                        () -> session.queue().execute(() -> {
                            if (sockets.isEmpty() && !session.isClosed()) {
                                session.close(DisconnectReason.FORCED_CLOSE);
                            }
                        }),
                        server.connectTimeout().toMillis());
    }

    EngineSession session() {
        return session;
    }

    @Override
    public void onMessage(String topic, PreparedMessage message) {
        session.send(message);
    }

    void subscribe(String topic) {
        WebSocket ws = session.directWebSocket();
        if (ws != null) {
            server.broker().subscribe(topic, ws);
        } else {
            server.broker().subscribe(topic, this);
        }
    }

    void unsubscribe(String topic) {
        WebSocket ws = session.directWebSocket();
        if (ws != null) {
            server.broker().unsubscribe(topic, ws);
        } else {
            server.broker().unsubscribe(topic, this);
        }
    }

    SocketIoServer server() {
        return server;
    }

    @Override
    public void onMessage(EngineSession s, String text) {
        if (binaryPacket != null) {
            fail(); // a text packet while attachments are expected
            return;
        }
        SioPacket p;
        try {
            p = SioCodec.decode(text);
        } catch (SioCodec.BadPacket e) {
            fail();
            return;
        }
        if (p.attachments() > 0) {
            if (p.attachments() > server.maxAttachments()) {
                fail();
                return;
            }
            binaryPacket = p;
            attachments.clear();
            return;
        }
        dispatch(p, List.of());
    }

    @Override
    public void onBinary(EngineSession s, byte[] data) {
        if (binaryPacket == null) {
            fail();
            return;
        }
        attachments.add(data);
        if (attachments.size() == binaryPacket.attachments()) {
            SioPacket p = binaryPacket;
            List<byte[]> a = List.copyOf(attachments);
            binaryPacket = null;
            attachments.clear();
            dispatch(p, a);
        }
    }

    private void fail() {
        session.close(DisconnectReason.PARSE_ERROR);
    }

    private void dispatch(SioPacket p, List<byte[]> binaries) {
        if (p.type() == SioPacket.CONNECT) {
            connect(p);
            return;
        }
        SioSocket socket = sockets.get(p.nsp());
        if (socket == null) {
            return; // the reference ignores packets for a namespace the client is not in
        }
        try {
            switch (p.type()) {
                case SioPacket.DISCONNECT -> {
                    remove(socket);
                    socket.disconnected(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
                }
                case SioPacket.EVENT, SioPacket.BINARY_EVENT ->
                    socket.onEvent(SioCodec.arguments(p.data(), binaries), p.ackId());
                case SioPacket.ACK, SioPacket.BINARY_ACK ->
                    socket.onAck(p.ackId(), SioCodec.arguments(p.data(), binaries));
                default -> fail();
            }
        } catch (SioCodec.BadPacket e) {
            fail();
        }
    }

    private void connect(SioPacket p) {
        Namespace nsp = server.namespace(p.nsp());
        if (nsp == null) {
            session.send(SioCodec.encode(SioPacket.CONNECT_ERROR, p.nsp(), -1, Map.of("message", "Invalid namespace")));
            return;
        }
        if (sockets.containsKey(p.nsp())
                || connecting.contains(p.nsp())
                || sockets.size() + connecting.size() >= server.maxNamespaces()) {
            return;
        }
        Map<String, Object> auth;
        try {
            Object a = p.data() == null ? Map.of() : SioCodec.value(p.data(), List.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) a;
            auth = m;
        } catch (SioCodec.BadPacket e) {
            fail();
            return;
        }
        EngineSession.Handshake h = session.handshake();
        Handshake handshake = new Handshake(h.headers(), h.query(), h.address(), auth, Instant.now());
        RecoveryStream recovery = nsp.recovery();
        if (recovery != null && auth.get("pid") instanceof String pid && auth.get("offset") instanceof String offset) {
            // The session and the events after the offset are looked up (on the engine: maybe
            // another node's), then the connect goes on, on this queue.
            connecting.add(nsp.name());
            recovery.restore(pid, offset)
                    .whenComplete((pending, x) -> session.queue().execute(() -> {
                        connecting.remove(nsp.name());
                        if (session.isClosed()) {
                            if (pending != null) {
                                recovery.abandon(pending);
                            }
                            return;
                        }
                        proceed(nsp, handshake, pending);
                    }));
            return;
        }
        proceed(nsp, handshake, null);
    }

    private void proceed(Namespace nsp, Handshake handshake, RecoveryStream.Pending pending) {
        RecoveryStream recovery = nsp.recovery();
        if (pending != null && server.skipMiddlewares()) {
            // The replay is computed, and the socket put in its rooms, under the recovery
            // stream's lock (the one live deliveries take): each kept event is either replayed or
            // delivered live, never neither, never both (RecoveryStream#restore).
            SioSocket recovered = null;
            synchronized (recovery) {
                RecoveryStream.Replay replay = recovery.finish(pending);
                if (replay != null) {
                    recovered = new SioSocket(pending.sid(), pending.pid(), true, nsp, this, handshake);
                    recovered.data().putAll(pending.data());
                    attach(nsp, recovered, pending.rooms(), replay);
                }
            }
            if (recovered != null) {
                nsp.announce(recovered);
                return;
            }
            pending = null;
        }
        SioSocket socket;
        if (pending != null) {
            // With middleware: the tap keeps collecting while it runs, the replay is made at attach.
            socket = new SioSocket(pending.sid(), pending.pid(), true, nsp, this, handshake);
            socket.data().putAll(pending.data());
        } else {
            socket = new SioSocket(
                    SocketIoServer.randomId(15),
                    recovery == null ? null : SocketIoServer.randomId(15),
                    false,
                    nsp,
                    this,
                    handshake);
        }
        runMiddleware(nsp, socket, 0, pending);
    }

    private void runMiddleware(Namespace nsp, SioSocket socket, int index, RecoveryStream.Pending pending) {
        List<Middleware> chain = nsp.middleware();
        if (session.isClosed()) {
            if (pending != null) {
                nsp.recovery().abandon(pending);
            }
            return;
        }
        if (index == chain.size()) {
            join(nsp, socket, pending);
            return;
        }
        AtomicBoolean called = new AtomicBoolean();
        chain.get(index).handle(socket, new Middleware.Next() {
            @Override
            public void proceed() {
                if (called.compareAndSet(false, true)) {
                    session.queue().execute(() -> runMiddleware(nsp, socket, index + 1, pending));
                }
            }

            @Override
            public void reject(String message, Object data) {
                if (called.compareAndSet(false, true)) {
                    if (pending != null) {
                        nsp.recovery().abandon(pending);
                    }
                    Map<String, Object> error = new LinkedHashMap<>();
                    error.put("message", message);
                    if (data != null) {
                        error.put("data", data);
                    }
                    session.send(SioCodec.encode(SioPacket.CONNECT_ERROR, nsp.name(), -1, error));
                }
            }
        });
    }

    private void join(Namespace nsp, SioSocket socket, RecoveryStream.Pending pending) {
        if (pending == null) {
            attach(nsp, socket, Set.of(), null);
        } else {
            RecoveryStream recovery = nsp.recovery();
            synchronized (recovery) {
                RecoveryStream.Replay replay = recovery.finish(pending);
                if (replay == null) {
                    socket.notRecovered();
                }
                attach(nsp, socket, replay == null ? Set.of() : pending.rooms(), replay);
            }
        }
        nsp.announce(socket);
    }

    private void attach(Namespace nsp, SioSocket socket, Set<String> rooms, RecoveryStream.Replay replay) {
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
        sockets.put(nsp.name(), socket);
        Map<String, Object> data =
                socket.pid() == null ? Map.of("sid", socket.id()) : Map.of("sid", socket.id(), "pid", socket.pid());
        session.send(SioCodec.encode(SioPacket.CONNECT, nsp.name(), -1, data));
        nsp.attach(socket, rooms, replay);
    }

    void remove(SioSocket socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    /** Disconnects every socket and closes the session. */
    void closeAll(String reason) {
        for (SioSocket s : List.copyOf(sockets.values())) {
            if (s.connected()) {
                s.send(SioCodec.encode(SioPacket.DISCONNECT, s.namespace().name(), -1, null));
            }
        }
        session.close(reason);
    }

    @Override
    public void onClose(EngineSession s, String reason) {
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        List<SioSocket> all = List.copyOf(sockets.values());
        sockets.clear();
        for (SioSocket socket : all) {
            socket.disconnected(reason);
        }
    }
}
