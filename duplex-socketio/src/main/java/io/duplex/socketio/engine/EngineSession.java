package io.duplex.socketio.engine;

import io.duplex.HttpExchange;
import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.duplex.handshake.Headers;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One Engine.IO v4 session: its transport (long polling, or WebSocket from the start or after an
 * upgrade), the packets waiting for a poll, the held poll, heartbeats and the close.
 *
 * <p>Threading: the state is confined to the session's {@link SerialQueue}; the public methods
 * may be called from any thread and hand their work to it. Polling requests may arrive on any
 * event loop; WebSocket frames on the socket's loop; timers on the server's timer thread.
 */
public final class EngineSession {
    private static final System.Logger LOG = System.getLogger(EngineSession.class.getName());
    private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);

    /** What the session was opened with: the first request's headers, query and address. */
    public record Handshake(Headers headers, String query, InetSocketAddress address, String transport) {}

    private final String sid;
    private final EngineServer server;
    private final Handshake handshake;
    private final SerialQueue queue = new SerialQueue();
    private EngineListener listener;

    private volatile boolean websocket;
    private volatile boolean closed;
    private WebSocket ws;
    /** The WebSocket of a session opened on WebSocket; read from any thread. */
    private volatile WebSocket direct;

    private WebSocket probe;
    private boolean upgrading;
    private final ArrayDeque<EnginePacket> outbox = new ArrayDeque<>();
    private HttpExchange pendingPoll;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pongTimer;

    EngineSession(String sid, EngineServer server, Handshake handshake) {
        this.sid = sid;
        this.server = server;
        this.handshake = handshake;
    }

    public String sid() {
        return sid;
    }

    public Handshake handshake() {
        return handshake;
    }

    /** Whether the session runs on WebSocket (from the start or upgraded); any thread. */
    public boolean isWebSocket() {
        return websocket;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The session's serial queue: the layer above runs its per-session work on it too. */
    public SerialQueue queue() {
        return queue;
    }

    /** Set once, before any packet is delivered (by the server's connection callback). */
    public void listener(EngineListener l) {
        this.listener = l;
    }

    // ------------------------------------------------------------------ sending (any thread)

    /** Sends packets (a message and its binary attachments stay together, in order). */
    public void send(EngineBatch batch) {
        queue.execute(() -> write(batch, true));
    }

    /** Sends packets encoded for this session only. */
    public void send(List<EnginePacket> packets) {
        EngineBatch batch = new EngineBatch(packets);
        queue.execute(() -> write(batch, false));
    }

    /**
     * Sends one message encoded for many sessions (a broadcast from the broker): over WebSocket the
     * shared frame, over polling its text as a packet of the next poll.
     */
    public void send(PreparedMessage message) {
        queue.execute(() -> {
            if (closed) {
                return;
            }
            if (websocket) {
                ws.send(message);
                return;
            }
            byte[] b = new byte[message.payload().remaining()];
            message.payload().duplicate().get(b);
            EnginePacket p = message.isText()
                    ? EnginePacket.parse(new String(b, StandardCharsets.UTF_8))
                    : EnginePacket.binary(b);
            if (p != null) {
                outbox.add(p);
                flushPoll();
            }
        });
    }

    /**
     * The session's WebSocket when it was opened on WebSocket (no polling, no upgrade), else null:
     * such a session can subscribe its socket to broker topics directly. Set before any packet
     * reaches the listener.
     */
    public WebSocket directWebSocket() {
        return direct;
    }

    /** Closes the session from the server side. */
    public void close(String reason) {
        queue.execute(() -> closeNow(reason, true));
    }

    private void write(EngineBatch batch, boolean shared) {
        if (closed) {
            return;
        }
        if (websocket) {
            if (shared) {
                for (PreparedMessage m : batch.prepared()) {
                    ws.send(m);
                }
            } else {
                for (EnginePacket p : batch.packets()) {
                    sendWs(ws, p);
                }
            }
            return;
        }
        outbox.addAll(batch.packets());
        flushPoll();
    }

    private static void sendWs(WebSocket to, EnginePacket p) {
        if (p.isBinary()) {
            to.send(ByteBuffer.wrap(p.binary()));
        } else {
            to.send(p.wsText());
        }
    }

    // ------------------------------------------------------------------ opening

    /** On the queue: the open packet is out; start the heartbeat. */
    void opened(WebSocket socket) {
        if (socket != null) {
            ws = socket;
            direct = socket;
            websocket = true;
        }
        schedulePing();
    }

    // ------------------------------------------------------------------ polling (on the queue)

    void poll(HttpExchange x) {
        if (closed) {
            server.error(x, EngineError.UNKNOWN_SID);
            return;
        }
        if (websocket) {
            server.error(x, EngineError.BAD_REQUEST);
            return;
        }
        if (pendingPoll != null) {
            // The reference server treats a second concurrent GET as a client error.
            server.error(x, EngineError.BAD_REQUEST);
            closeNow("transport error", true);
            return;
        }
        pendingPoll = x;
        x.onDisconnect(() -> queue.execute(() -> {
            if (pendingPoll == x) {
                pendingPoll = null;
                closeNow("transport close", false);
            }
        }));
        if (upgrading && outbox.isEmpty()) {
            outbox.add(EnginePacket.of(EnginePacket.NOOP));
        }
        flushPoll();
    }

    private void flushPoll() {
        HttpExchange x = pendingPoll;
        if (x == null || outbox.isEmpty()) {
            return;
        }
        pendingPoll = null;
        StringBuilder body = new StringBuilder();
        int size = 0;
        while (!outbox.isEmpty()) {
            EnginePacket p = outbox.peek();
            // Bounded per response: what the client's maxPayload allows, at least one packet.
            if (size > 0 && size + p.pollingSize() > server.options().maxHttpBufferSize()) {
                break;
            }
            outbox.poll();
            if (size > 0) {
                body.append('\u001e');
            }
            body.append(p.pollingText());
            size += p.pollingSize();
        }
        server.respond(x, 200, "text/plain; charset=UTF-8", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    void post(HttpExchange x) {
        if (closed) {
            server.error(x, EngineError.UNKNOWN_SID);
            return;
        }
        if (websocket) {
            server.error(x, EngineError.BAD_REQUEST);
            return;
        }
        byte[] body = x.body();
        if (body.length > server.options().maxHttpBufferSize()) {
            server.respond(
                    x, 413, "application/json", EngineError.BAD_REQUEST.json().getBytes(StandardCharsets.UTF_8));
            closeNow("transport error", true);
            return;
        }
        String[] parts = new String(body, StandardCharsets.UTF_8).split("\u001e", -1);
        if (parts.length > server.options().maxPacketsPerPayload()) {
            server.error(x, EngineError.BAD_REQUEST);
            closeNow("transport error", true);
            return;
        }
        EnginePacket[] packets = new EnginePacket[parts.length];
        for (int i = 0; i < parts.length; i++) {
            packets[i] = EnginePacket.parse(parts[i]);
            if (packets[i] == null) {
                server.error(x, EngineError.BAD_REQUEST);
                closeNow("parse error", true);
                return;
            }
        }
        server.respond(x, 200, "text/html", OK);
        for (EnginePacket p : packets) {
            if (closed) {
                break;
            }
            onPacket(p, false);
        }
    }

    // ------------------------------------------------------------------ WebSocket (on the queue)

    /** A WebSocket for this session's sid opened: a probe until the client sends upgrade. */
    void probeOpened(WebSocket socket) {
        if (closed || websocket || probe != null || !server.options().allowUpgrades()) {
            socket.close(1000, "");
            return;
        }
        probe = socket;
    }

    void wsText(WebSocket socket, String text) {
        EnginePacket p = EnginePacket.parse(text);
        if (p == null || p.type() == 'b') {
            if (socket == ws) {
                closeNow("parse error", true);
            } else {
                socket.close(1000, "");
            }
            return;
        }
        if (socket == probe) {
            onProbePacket(socket, p);
        } else if (socket == ws && !closed) {
            onPacket(p, true);
        }
    }

    void wsBinary(WebSocket socket, byte[] data) {
        if (socket == ws && !closed) {
            onPacket(EnginePacket.binary(data), true);
        }
    }

    void wsClosed(WebSocket socket) {
        if (socket == probe) {
            probe = null;
            upgrading = false;
        } else if (socket == ws) {
            closeNow("transport close", false);
        }
    }

    private void onProbePacket(WebSocket socket, EnginePacket p) {
        if (p.type() == EnginePacket.PING && p.text().equals("probe")) {
            socket.send(EnginePacket.PONG + "probe");
            upgrading = true;
            // Release a held poll so the client can pause polling and send the upgrade packet.
            if (pendingPoll != null && outbox.isEmpty()) {
                outbox.add(EnginePacket.of(EnginePacket.NOOP));
                flushPoll();
            }
        } else if (p.type() == EnginePacket.UPGRADE && upgrading) {
            probe = null;
            upgrading = false;
            ws = socket;
            websocket = true;
            if (pendingPoll != null) {
                outbox.addFirst(EnginePacket.of(EnginePacket.NOOP));
                flushPoll();
            }
            while (!outbox.isEmpty()) {
                sendWs(ws, outbox.poll());
            }
        } else {
            probe = null;
            upgrading = false;
            socket.close(1000, "");
        }
    }

    // ------------------------------------------------------------------ packets

    private void onPacket(EnginePacket p, boolean overWebSocket) {
        switch (p.type()) {
            case EnginePacket.PONG -> {
                cancel(pongTimer);
                pongTimer = null;
                schedulePing();
            }
            case EnginePacket.MESSAGE -> {
                if (p.isBinary()) {
                    listener.onBinary(this, p.binary());
                } else {
                    listener.onMessage(this, p.text());
                }
            }
            case EnginePacket.CLOSE -> closeNow("transport close", false);
            case EnginePacket.NOOP, EnginePacket.PING -> {
                // nothing to do: the server drives heartbeats in v4
            }
            default -> closeNow("parse error", true);
        }
    }

    // ------------------------------------------------------------------ heartbeat

    private void schedulePing() {
        cancel(pingTimer);
        pingTimer = server.schedule(
                () -> queue.execute(this::ping), server.options().pingInterval().toMillis());
    }

    private void ping() {
        if (closed) {
            return;
        }
        write(new EngineBatch(List.of(EnginePacket.of(EnginePacket.PING))), false);
        pongTimer = server.schedule(
                () -> queue.execute(() -> closeNow("ping timeout", true)),
                server.options().pingTimeout().toMillis());
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ closing

    private void closeNow(String reason, boolean tellClient) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(Level.DEBUG, "session {0} closed: {1}", sid, reason);
        cancel(pingTimer);
        cancel(pongTimer);
        server.remove(this);
        outbox.clear();
        if (pendingPoll != null) {
            HttpExchange x = pendingPoll;
            pendingPoll = null;
            server.respond(x, 200, "text/plain; charset=UTF-8", new byte[] {EnginePacket.CLOSE});
        }
        if (probe != null) {
            probe.close(1000, "");
            probe = null;
        }
        if (ws != null && tellClient) {
            ws.close(1000, "");
        }
        if (listener != null) {
            listener.onClose(this, reason);
        }
    }
}
