package io.duplex.internal;

import io.duplex.AsyncUpgrader;
import io.duplex.Broker;
import io.duplex.MetricsListener;
import io.duplex.RouteMetrics;
import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.Upgrader;
import io.duplex.WebSocketHandler;
import io.duplex.deflate.PerMessageDeflate;
import io.duplex.extension.Extension;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadLimits;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.Outcome;
import io.duplex.handshake.ServerHandshake;
import io.duplex.protocol.Role;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The server side of the opening handshake on one connection: parse the bounded request head,
 * validate it (RFC 6455 §4.2.1, each failure with its HTTP status), route by path, ask the
 * {@link Upgrader}, then answer 101 and open — or hand a plain request under an HTTP prefix to its
 * {@link io.duplex.HttpHandler} (HTTP/1.1 keep-alive: the next request is read once the response
 * is written; one request at a time), or answer plain GETs from static files.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class ServerUpgrade implements Connection.Upgrade {
    private static final System.Logger LOG = System.getLogger(ServerUpgrade.class.getName());
    /** A deadline far enough away not to fire (about 100 years) while a request is held. */
    private static final long HELD = 100L * 365 * 24 * 3600 * 1_000_000_000L;

    /**
     * Where a path leads.
     *
     * @param template the route as registered ({@code "/chat"}, {@code "/rooms/*"}, {@code "*"}),
     *     the only route name metrics see; null until the server's settings are frozen
     * @param metrics the route's metrics, or null without a {@link MetricsListener}
     */
    public record Route(WebSocketHandler handler, Upgrader upgrader, String template, RouteMetrics metrics) {
        public Route(WebSocketHandler handler, Upgrader upgrader) {
            this(handler, upgrader, null, null);
        }
    }

    /** Dropped once the head is parsed: an idle connection keeps no handshake state. */
    private HttpHeadParser parser;

    private final ServerHandshake handshake;
    private final Function<String, Route> routes;
    private final StaticFiles staticFiles;
    private final Executor handlerExecutor;
    private final Broker broker;
    private final HttpRoutes http;
    private final HttpHeadLimits headLimits;
    /** The server's metrics, or null. */
    private final MetricsListener metrics;

    private final HandshakeGate gate;
    private final ClientAddress client;
    /** When the current request's handshake time started (accept, or the previous answer). */
    private long startedNanos = System.nanoTime();
    /** Whether an asynchronous upgrader's decision is awaited. */
    private boolean awaiting;
    /** The validated request whose decision is awaited (its extensions to close), or null. */
    private Outcome.Accepted awaited;
    /** Bytes after the head that came while the decision was awaited, or null. */
    private ByteBuffer early;

    private boolean done;
    /** The plain HTTP request being read or answered, or null. */
    private HttpExchangeImpl exchange;
    /** Whether the exchange's body is complete (it was handed to its handler). */
    private boolean dispatched;
    /** Bytes of a next request that came while one was pending (reading is paused meanwhile). */
    private ByteBuffer stash;

    public ServerUpgrade(
            HttpHeadParser parser,
            ServerHandshake handshake,
            Function<String, Route> routes,
            StaticFiles staticFiles,
            Executor handlerExecutor,
            Broker broker,
            HttpRoutes http,
            HttpHeadLimits headLimits,
            MetricsListener metrics,
            HandshakeGate gate,
            ClientAddress client) {
        this.metrics = metrics;
        this.gate = gate;
        this.client = client;
        this.http = http;
        this.headLimits = headLimits;
        this.parser = parser;
        this.handshake = handshake;
        this.routes = routes;
        this.staticFiles = staticFiles;
        this.handlerExecutor = handlerExecutor;
        this.broker = broker;
    }

    @Override
    public void start(Connection c) {
        // The client speaks first.
    }

    @Override
    public void onData(Connection c, ByteBuffer in) throws IOException {
        if (exchange != null) {
            if (!dispatched) {
                readBody(c, in);
                if (!in.hasRemaining()) {
                    return;
                }
            }
            // RFC 7230 §6.3.2 allows pipelining, but answers must keep request order: hold the
            // bytes of the next request and stop reading until this one is answered.
            stash = copyOf(stash, in);
            c.pauseReading(true);
            return;
        }
        if (awaiting) {
            int have = early == null ? 0 : early.remaining();
            if (have + in.remaining() > headLimits.maxHeadSize()) {
                // Invariant 7: refused before the copy that would pass the bound.
                awaiting = false;
                early = null;
                closeAll(awaited);
                reject(c, 400, "data sent before the handshake completed", Headers.EMPTY);
            } else {
                early = copyOf(early, in);
            }
            in.position(in.limit());
            return;
        }
        if (done) {
            in.position(in.limit());
            return;
        }
        HttpHead head;
        try {
            head = parser.parse(in);
        } catch (HandshakeException e) {
            handshakeAnswered(null, e.status());
            reject(c, e.status(), e.getMessage(), e.headers());
            in.position(in.limit());
            return;
        }
        if (head == null) {
            return;
        }
        done = true;
        parser = null;
        HttpHead.Request request = (HttpHead.Request) head;
        // RFC 7230 §6.7: an Upgrade the server does not speak (e.g. h2c from curl or the JDK's
        // HttpClient) may be ignored and the request answered as plain HTTP.
        boolean upgrading = request.headers().containsToken("Upgrade", "websocket");
        if (!upgrading && http != null && startExchange(c, request, in)) {
            return;
        }
        if (staticFiles != null && !request.headers().containsToken("Upgrade", "websocket")) {
            in.position(in.limit());
            c.writeRaw(staticFiles.respond(request));
            c.closeWhenFlushed();
            return;
        }
        InetSocketAddress clientAddress = gate.clientAddress(client, request.headers());
        if (upgrading) {
            // Before the handshake's validation commits anything (extension codecs), invariant 7.
            HandshakeGate.Refusal refusal = gate.admitUpgrade(client, clientAddress);
            if (refusal != null) {
                LOG.log(Level.DEBUG, "upgrade from {0} refused: {1}", clientAddress, refusal.reason());
                reject(c, refusal.status(), refusal.reason(), refusal.headers());
                in.position(in.limit());
                return;
            }
        }
        Outcome outcome = handshake.validate(request);
        if (outcome instanceof Outcome.Rejected r) {
            handshakeAnswered(null, r.status());
            reject(c, r.status(), r.reason(), r.extraHeaders());
            in.position(in.limit());
            return;
        }
        Outcome.Accepted accepted = (Outcome.Accepted) outcome;
        Route route = routes.apply(accepted.path());
        if (route == null) {
            closeAll(accepted);
            handshakeAnswered(null, 404);
            reject(c, 404, "no WebSocket endpoint at this path", Headers.EMPTY);
            in.position(in.limit());
            return;
        }
        SocketChannel ch = c.transport().channel();
        InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
        UpgradeRequest upgradeRequest = new UpgradeRequest(
                accepted.path(),
                accepted.query(),
                accepted.headers(),
                remote,
                accepted.origin(),
                accepted.offeredSubprotocols(),
                accepted.selectedSubprotocol(),
                clientAddress);
        if (route.upgrader() instanceof AsyncUpgrader async) {
            awaitDecision(c, async, upgradeRequest, accepted, route, in);
            return;
        }
        UpgradeDecision decision;
        try {
            decision = route.upgrader().upgrade(upgradeRequest);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upgrader threw; answering 500", e);
            decision = UpgradeDecision.reject(500, "internal error");
        }
        decided(c, decision, upgradeRequest, accepted, route, in);
    }

    /**
     * An {@link AsyncUpgrader}: stop reading (keeping any bytes after the head), and go on when
     * the decision comes back to the loop, or answer 504 when the handshake timeout comes first.
     */
    private void awaitDecision(
            Connection c,
            AsyncUpgrader async,
            UpgradeRequest request,
            Outcome.Accepted accepted,
            Route route,
            ByteBuffer in) {
        // Reading goes on (so a client that leaves is noticed and freed at once); bytes that come
        // early are kept, bounded, for the protocol (RFC 6455 §4.1 has the client wait for the
        // answer, so there should be none).
        early = in.hasRemaining() ? copyOf(null, in) : null;
        in.position(in.limit());
        awaiting = true;
        awaited = accepted;
        long left = c.config.handshakeTimeout().toNanos() - (System.nanoTime() - startedNanos);
        // The decision's own timer (below) answers 504; the connection's deadline stays behind it
        // as the backstop that frees the connection should the answer not flush.
        c.handshakeDeadline(Math.max(0, left) + c.config.closeTimeout().toNanos());
        EventLoop.Cancellable timer = c.loop().schedule(() -> decisionTimedOut(c, accepted), Math.max(0, left));
        CompletionStage<UpgradeDecision> stage;
        try {
            stage = async.upgradeAsync(request);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.failedFuture(new NullPointerException("upgradeAsync returned null"));
        }
        stage.whenComplete((decision, error) -> c.loop().execute(() -> {
            if (!awaiting) {
                return; // timed out and answered 504 already
            }
            awaiting = false;
            timer.cancel();
            if (c.isDestroyed()) {
                closeAll(accepted);
                return;
            }
            UpgradeDecision d = decision;
            if (error != null || d == null) {
                LOG.log(Level.WARNING, "asynchronous upgrader failed; answering 500", error);
                d = UpgradeDecision.reject(500, "internal error");
            }
            ByteBuffer bytes = early != null ? early : ByteBuffer.allocate(0);
            early = null;
            try {
                decided(c, d, request, accepted, route, bytes);
            } catch (IOException | RuntimeException e) {
                onFailure(c, e);
                c.destroy();
            }
        }));
    }

    /** Loop: the handshake timeout passed before the asynchronous decision (RFC 9110 §15.6.5). */
    private void decisionTimedOut(Connection c, Outcome.Accepted accepted) {
        if (!awaiting) {
            return;
        }
        awaiting = false;
        early = null;
        closeAll(accepted);
        if (!c.isDestroyed()) {
            LOG.log(Level.DEBUG, "asynchronous upgrader did not answer within the handshake timeout; 504");
            reject(c, 504, "authentication did not complete in time", Headers.EMPTY);
        }
    }

    private void decided(
            Connection c,
            UpgradeDecision decision,
            UpgradeRequest request,
            Outcome.Accepted accepted,
            Route route,
            ByteBuffer in)
            throws IOException {
        if (decision instanceof UpgradeDecision.Reject r) {
            closeAll(accepted);
            handshakeAnswered(route.template(), r.status());
            reject(c, r.status(), r.reason(), r.headers());
            in.position(in.limit());
            return;
        }
        UpgradeDecision.Accept accept = (UpgradeDecision.Accept) decision;
        String subprotocol = accepted.selectedSubprotocol();
        if (accept.subprotocol() != null) {
            if (!accepted.offeredSubprotocols().contains(accept.subprotocol())) {
                // RFC 6455 §4.2.2: the server may only pick a subprotocol the client offered.
                closeAll(accepted);
                LOG.log(Level.WARNING, "upgrader chose a subprotocol the client did not offer");
                handshakeAnswered(route.template(), 500);
                reject(c, 500, "internal error", Headers.EMPTY);
                in.position(in.limit());
                return;
            }
            subprotocol = accept.subprotocol();
        }
        List<Extension> extensions = accepted.extensions();
        if (accept.extensionsDeclined() && !extensions.isEmpty()) {
            closeAll(accepted); // RFC 6455 §9.1: a server may decline every offered extension
            extensions = List.of();
        }
        // A copy only when the upgrader changed what the validation chose.
        Outcome.Accepted answered = accepted.answeredWith(subprotocol, extensions);
        c.writeRaw(handshake.response(answered, accept.headers()));
        WebSocketImpl ws = new WebSocketImpl(
                c.loop(),
                route.handler(),
                handlerExecutor,
                accepted.path(),
                subprotocol,
                extensions,
                request.remoteAddress(),
                (InetSocketAddress) c.transport().channel().getLocalAddress(),
                accept.attachment());
        ws.broker(broker);
        handshakeAnswered(route.template(), 101);
        if (negotiatedDeflate(extensions)) {
            gate.limits().countDeflate(client); // uncounted when the connection is released
        }
        c.metrics(route.metrics());
        if (!request.clientAddress().equals(request.remoteAddress())) {
            ws.clientAddress(request.clientAddress());
        }
        Instant expiry = accept.credentialExpiry();
        if (expiry != null) {
            ws.credentialExpiry(expiry);
        }
        c.open(Role.SERVER, extensions, ws, in);
    }

    /**
     * Whether permessage-deflate (RFC 7692) is among the negotiated extensions: the one place the
     * runtime names an extension, for the {@code deflateConnections} gauge only.
     */
    private static boolean negotiatedDeflate(List<Extension> extensions) {
        for (Extension e : extensions) {
            if (e.negotiated().name().equals(PerMessageDeflate.NAME)) {
                return true;
            }
        }
        return false;
    }

    /** A plain request under an HTTP prefix: checks its framing and starts reading its body. */
    private boolean startExchange(Connection c, HttpHead.Request request, ByteBuffer in) throws IOException {
        String target = request.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        io.duplex.HttpHandler handler = path.startsWith("/") ? http.handler(path) : null;
        if (handler == null) {
            return false;
        }
        in.mark();
        if (request.headers().contains("Transfer-Encoding")) {
            // Only Content-Length bodies (RFC 7230 §3.3.3): 411 asks the client for one.
            reject(c, 411, "chunked request bodies are not accepted; send Content-Length", Headers.EMPTY);
            in.position(in.limit());
            return true;
        }
        long length = contentLength(request.headers());
        if (length < 0) {
            reject(c, 400, "bad Content-Length", Headers.EMPTY);
            in.position(in.limit());
            return true;
        }
        if (length > http.maxBody()) {
            // Invariant 7: refused on the declared length, before any memory is committed.
            reject(c, 413, "request body too large", Headers.EMPTY);
            in.position(in.limit());
            return true;
        }
        InetSocketAddress remote = (InetSocketAddress) c.transport().channel().getRemoteAddress();
        // Resolved per request, not per connection: a proxy may carry several clients' requests
        // over one kept-alive connection (RFC 7230 §6.3), each with its own forwarding headers.
        InetSocketAddress clientAddress = gate.clientAddress(client, request.headers());
        exchange = new HttpExchangeImpl(
                c, this, request, path, q < 0 ? null : target.substring(q + 1), remote, clientAddress, (int) length);
        dispatched = false;
        readBody(c, in);
        if (in.hasRemaining()) {
            stash = copyOf(stash, in);
            c.pauseReading(true);
        }
        return true;
    }

    /** The declared body length: 0 without the header, -1 when malformed or contradictory. */
    private static long contentLength(Headers headers) {
        List<String> values = headers.all("Content-Length");
        long length = values.isEmpty() ? 0 : -1;
        for (String v : values) {
            for (String part : v.split(",", -1)) {
                String t = part.trim();
                if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    return -1;
                }
                long n = Long.parseLong(t);
                if (length >= 0 && n != length) {
                    return -1;
                }
                length = n;
            }
        }
        return length;
    }

    private void readBody(Connection c, ByteBuffer in) {
        if (!exchange.feed(in)) {
            return;
        }
        dispatched = true;
        // Held until answered: the handler owns the timing now (a long poll), not the read timeout.
        c.handshakeDeadline(HELD);
        HttpExchangeImpl x = exchange;
        try {
            http.handler(x.path()).handle(x);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP handler threw; answering 500", e);
            if (!x.responded()) {
                x.respond(500, Headers.EMPTY, "internal error\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Loop: the response of {@code x} is ready: write it, then read the next request or close. */
    void answered(Connection c, HttpExchangeImpl x, ByteBuffer response) {
        if (c.isDestroyed() || x != exchange) {
            return;
        }
        c.writeRaw(response);
        exchange = null;
        if (!x.keepAlive()) {
            stash = null;
            c.closeWhenFlushed();
            return;
        }
        done = false;
        parser = new HttpHeadParser(headLimits, HttpHeadParser.Kind.REQUEST);
        c.handshakeDeadline(c.config.handshakeTimeout().toNanos());
        startedNanos = System.nanoTime();
        ByteBuffer next = stash;
        stash = null;
        try {
            if (next != null) {
                onData(c, next);
            }
            if (exchange == null || !dispatched) {
                c.pauseReading(false);
            }
        } catch (IOException e) {
            onFailure(c, e);
            c.destroy();
        }
    }

    private static ByteBuffer copyOf(ByteBuffer stash, ByteBuffer in) {
        int have = stash == null ? 0 : stash.remaining();
        ByteBuffer out = ByteBuffer.allocate(have + in.remaining());
        if (stash != null) {
            out.put(stash);
        }
        return out.put(in).flip();
    }

    private void handshakeAnswered(String template, int status) {
        if (metrics != null) {
            metrics.handshake(template, status);
        }
    }

    private static void closeAll(Outcome.Accepted accepted) {
        for (Extension e : accepted.extensions()) {
            e.close();
        }
    }

    private static void reject(Connection c, int status, String reason, Headers headers) {
        LOG.log(Level.DEBUG, "upgrade rejected: {0} {1}", status, reason);
        c.writeRaw(ServerHandshake.rejection(status, reason, headers));
        c.closeWhenFlushed();
    }

    @Override
    public void onFailure(Connection c, Throwable cause) {
        if (exchange != null) {
            HttpExchangeImpl x = exchange;
            exchange = null;
            x.disconnected();
        }
        LOG.log(Level.DEBUG, "connection ended before the upgrade: {0}", cause.toString());
    }
}
