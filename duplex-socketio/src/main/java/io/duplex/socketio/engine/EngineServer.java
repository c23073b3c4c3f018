package io.duplex.socketio.engine;

import io.duplex.HttpExchange;
import io.duplex.HttpHandler;
import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.Upgrader;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.handshake.Headers;
import io.duplex.handshake.OriginPolicy;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An Engine.IO protocol v4 server on Duplex: the polling transport as an {@link HttpHandler}, the
 * WebSocket transport as an {@link Upgrader} and {@link WebSocketHandler}, both under one path
 * prefix; the sessions by id; the heartbeat timers. Requests are checked as the reference server
 * checks them, and refused with its status and {@code {"code":…,"message":…}} JSON.
 *
 * <p>Threading: safe from any thread. Each session's state lives on its own {@link SerialQueue};
 * timers run on one daemon thread that only hands work to those queues.
 */
public final class EngineServer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final OriginPolicy SAME_ORIGIN = OriginPolicy.sameOrigin();

    private final EngineOptions options;
    private final Consumer<EngineSession> onConnection;
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timers;

    /** What a WebSocket carries from its upgrade to its handler. */
    private static final class WsState {
        final EngineSession.Handshake handshake;
        EngineSession session;
        final boolean probe;

        WsState(EngineSession.Handshake handshake, EngineSession session) {
            this.handshake = handshake;
            this.session = session;
            this.probe = session != null;
        }
    }

    public EngineServer(EngineOptions options, Consumer<EngineSession> onConnection) {
        this.options = options;
        this.onConnection = onConnection;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "duplex-socketio-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    public EngineOptions options() {
        return options;
    }

    /** Open sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Runs {@code task} after {@code millis} on the timer thread (it must only hand work over). */
    public ScheduledFuture<?> schedule(Runnable task, long millis) {
        return timers.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    void remove(EngineSession s) {
        sessions.remove(s.sid(), s);
    }

    // ------------------------------------------------------------------ polling

    /** The polling transport and the polling handshake. */
    public HttpHandler httpHandler() {
        return this::onRequest;
    }

    private void onRequest(HttpExchange x) {
        String origin = x.headers().first("Origin");
        if (!originAllowed(origin, x.headers().first("Host"))) {
            error(x, EngineError.FORBIDDEN);
            return;
        }
        if (x.method().equals("OPTIONS")) {
            // CORS preflight for an allowed cross-origin page.
            respond(x, 204, null, new byte[0]);
            return;
        }
        Params q = Params.of(x.query());
        String eio = q.eio();
        if (!"4".equals(eio)) {
            error(x, EngineError.UNSUPPORTED_PROTOCOL_VERSION);
            return;
        }
        String transport = q.transport();
        if (transport == null || !options.transports().contains(transport)) {
            error(x, EngineError.UNKNOWN_TRANSPORT);
            return;
        }
        if (!transport.equals("polling")) {
            // transport=websocket without an Upgrade header
            error(x, EngineError.BAD_REQUEST);
            return;
        }
        String sid = q.sid();
        if (sid != null) {
            EngineSession s = sessions.get(sid);
            if (s == null) {
                error(x, EngineError.UNKNOWN_SID);
            } else if (x.method().equals("GET")) {
                s.queue().execute(() -> s.poll(x));
            } else if (x.method().equals("POST")) {
                s.queue().execute(() -> s.post(x));
            } else {
                error(x, EngineError.BAD_REQUEST);
            }
            return;
        }
        if (!x.method().equals("GET")) {
            error(x, EngineError.BAD_HANDSHAKE_METHOD);
            return;
        }
        EngineSession s = open(new EngineSession.Handshake(x.headers(), x.query(), x.clientAddress(), "polling"));
        s.queue().execute(() -> {
            respond(x, 200, "text/plain; charset=UTF-8", openPacket(s, true).getBytes(StandardCharsets.UTF_8));
            s.opened(null);
            onConnection.accept(s);
        });
    }

    private EngineSession open(EngineSession.Handshake handshake) {
        byte[] id = new byte[15];
        RANDOM.nextBytes(id);
        EngineSession s = new EngineSession(Base64.getUrlEncoder().encodeToString(id), this, handshake);
        sessions.put(s.sid(), s);
        return s;
    }

    private String openPacket(EngineSession s, boolean polling) {
        String upgrades =
                polling && options.allowUpgrades() && options.transports().contains("websocket")
                        ? "[\"websocket\"]"
                        : "[]";
        return EnginePacket.OPEN + "{\"sid\":\"" + s.sid() + "\",\"upgrades\":" + upgrades + ",\"pingInterval\":"
                + options.pingInterval().toMillis() + ",\"pingTimeout\":"
                + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
    }

    private boolean originAllowed(String origin, String host) {
        return origin == null || options.allowedOrigins().contains(origin) || SAME_ORIGIN.allows(origin, host);
    }

    void error(HttpExchange x, EngineError e) {
        respond(x, e.status(), "application/json", e.json().getBytes(StandardCharsets.UTF_8));
    }

    void respond(HttpExchange x, int status, String contentType, byte[] body) {
        Headers.Builder h = Headers.builder();
        if (contentType != null) {
            h.add("Content-Type", contentType);
        }
        String origin = x.headers().first("Origin");
        if (origin != null && options.allowedOrigins().contains(origin)) {
            h.add("Access-Control-Allow-Origin", origin);
            h.add("Access-Control-Allow-Credentials", "true");
            h.add("Vary", "Origin");
            if (x.method().equals("OPTIONS")) {
                h.add("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                String asked = x.headers().first("Access-Control-Request-Headers");
                if (asked != null) {
                    h.add("Access-Control-Allow-Headers", asked);
                }
            }
        }
        if (!x.responded()) {
            x.respond(status, h.build(), body);
        }
    }

    // ------------------------------------------------------------------ WebSocket

    /** Checks a WebSocket upgrade under the prefix: protocol version, transport, origin, sid. */
    public Upgrader upgrader() {
        return r -> {
            if (!originAllowed(r.origin(), r.headers().first("Host"))) {
                return UpgradeDecision.reject(403, EngineError.FORBIDDEN.message());
            }
            Params q = Params.of(r.query());
            if (!"4".equals(q.eio())) {
                return UpgradeDecision.reject(400, EngineError.UNSUPPORTED_PROTOCOL_VERSION.message());
            }
            if (!"websocket".equals(q.transport()) || !options.transports().contains("websocket")) {
                return UpgradeDecision.reject(400, EngineError.UNKNOWN_TRANSPORT.message());
            }
            EngineSession.Handshake h = handshake(r);
            String sid = q.sid();
            if (sid == null) {
                return accept(new WsState(h, null));
            }
            EngineSession s = sessions.get(sid);
            if (s == null) {
                return UpgradeDecision.reject(400, EngineError.UNKNOWN_SID.message());
            }
            if (s.isWebSocket() || !options.allowUpgrades()) {
                return UpgradeDecision.reject(400, EngineError.BAD_REQUEST.message());
            }
            return accept(new WsState(h, s));
        };
    }

    private UpgradeDecision accept(WsState state) {
        UpgradeDecision.Accept a = new UpgradeDecision.Accept(null, state, Headers.EMPTY);
        return options.perMessageDeflate() ? a : a.withoutExtensions();
    }

    private static EngineSession.Handshake handshake(UpgradeRequest r) {
        return new EngineSession.Handshake(r.headers(), r.query(), r.clientAddress(), "websocket");
    }

    /** The WebSocket transport: a new session, or a probe of a polling session's upgrade. */
    public WebSocketHandler webSocketHandler() {
        return new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                WsState st = ws.attachment();
                if (st.probe) {
                    EngineSession s = st.session;
                    s.queue().execute(() -> s.probeOpened(ws));
                    return;
                }
                EngineSession s = open(st.handshake);
                st.session = s;
                s.queue().execute(() -> {
                    ws.send(openPacket(s, false));
                    s.opened(ws);
                    onConnection.accept(s);
                });
            }

            @Override
            public void onText(WebSocket ws, String text) {
                EngineSession s = ((WsState) ws.attachment()).session;
                s.queue().execute(() -> s.wsText(ws, text));
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                EngineSession s = ((WsState) ws.attachment()).session;
                s.queue().execute(() -> s.wsBinary(ws, copy));
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                WsState st = ws.attachment();
                if (st != null && st.session != null) {
                    EngineSession s = st.session;
                    s.queue().execute(() -> s.wsClosed(ws));
                }
            }
        };
    }

    /** Closes every session ("forced close") and stops the timers. */
    @Override
    public void close() {
        for (EngineSession s : sessions.values()) {
            s.close("forced close");
        }
        timers.shutdownNow();
    }

    /**
     * The Engine.IO query parameters of a request ({@code EIO}, {@code transport}, {@code sid}; the
     * first of each), read in one pass: every polling request carries them, and splitting and
     * decoding the whole query once per parameter showed in the polling profile.
     */
    record Params(String eio, String transport, String sid) {
        static Params of(String query) {
            String eio = null;
            String transport = null;
            String sid = null;
            if (query != null) {
                int i = 0;
                int n = query.length();
                while (i <= n) {
                    int amp = query.indexOf('&', i);
                    int end = amp < 0 ? n : amp;
                    int eq = query.indexOf('=', i);
                    if (eq < 0 || eq > end) {
                        eq = end;
                    }
                    String key = decode(query.substring(i, eq));
                    String value = eq < end ? decode(query.substring(eq + 1, end)) : "";
                    switch (key) {
                        case "EIO" -> eio = eio == null ? value : eio;
                        case "transport" -> transport = transport == null ? value : transport;
                        case "sid" -> sid = sid == null ? value : sid;
                        default -> {}
                    }
                    if (amp < 0) {
                        break;
                    }
                    i = amp + 1;
                }
            }
            return new Params(eio, transport, sid);
        }

        private static String decode(String s) {
            if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
                return s;
            }
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return s; // as HttpExchange.queryParameter: a bad escape is kept as it is
            }
        }
    }
}
