package io.duplex.internal;

import io.duplex.Broker;
import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.Upgrader;
import io.duplex.WebSocketHandler;
import io.duplex.extension.Extension;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.Headers;
import io.duplex.handshake.HttpHead;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.Outcome;
import io.duplex.handshake.ServerHandshake;
import io.duplex.protocol.Role;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The server side of the opening handshake on one connection: parse the bounded request head,
 * validate it (RFC 6455 §4.2.1, each failure with its HTTP status), route by path, ask the
 * {@link Upgrader}, then answer 101 and open — or answer plain GETs from static files.
 *
 * <p>Threading: confined to the connection's event loop.
 */
public final class ServerUpgrade implements Connection.Upgrade {
    private static final System.Logger LOG = System.getLogger(ServerUpgrade.class.getName());

    /** Where a path leads. */
    public record Route(WebSocketHandler handler, Upgrader upgrader) {}

    /** Dropped once the head is parsed: an idle connection keeps no handshake state. */
    private HttpHeadParser parser;

    private final ServerHandshake handshake;
    private final Function<String, Route> routes;
    private final StaticFiles staticFiles;
    private final Executor handlerExecutor;
    private final Broker broker;
    private boolean done;

    public ServerUpgrade(
            HttpHeadParser parser,
            ServerHandshake handshake,
            Function<String, Route> routes,
            StaticFiles staticFiles,
            Executor handlerExecutor,
            Broker broker) {
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
        if (done) {
            in.position(in.limit());
            return;
        }
        HttpHead head;
        try {
            head = parser.parse(in);
        } catch (HandshakeException e) {
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
        if (staticFiles != null && !request.headers().containsToken("Upgrade", "websocket")) {
            in.position(in.limit());
            c.writeRaw(staticFiles.respond(request));
            c.closeWhenFlushed();
            return;
        }
        Outcome outcome = handshake.validate(request);
        if (outcome instanceof Outcome.Rejected r) {
            reject(c, r.status(), r.reason(), r.extraHeaders());
            in.position(in.limit());
            return;
        }
        Outcome.Accepted accepted = (Outcome.Accepted) outcome;
        Route route = routes.apply(accepted.path());
        if (route == null) {
            closeAll(accepted);
            reject(c, 404, "no WebSocket endpoint at this path", Headers.EMPTY);
            in.position(in.limit());
            return;
        }
        SocketChannel ch = c.transport().channel();
        InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
        UpgradeDecision decision;
        try {
            decision = route.upgrader()
                    .upgrade(new UpgradeRequest(
                            accepted.path(),
                            accepted.query(),
                            accepted.headers(),
                            remote,
                            accepted.origin(),
                            accepted.offeredSubprotocols(),
                            accepted.selectedSubprotocol()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upgrader threw; answering 500", e);
            decision = UpgradeDecision.reject(500, "internal error");
        }
        if (decision instanceof UpgradeDecision.Reject r) {
            closeAll(accepted);
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
                reject(c, 500, "internal error", Headers.EMPTY);
                in.position(in.limit());
                return;
            }
            subprotocol = accept.subprotocol();
        }
        Outcome.Accepted answered = new Outcome.Accepted(
                accepted.path(),
                accepted.query(),
                accepted.headers(),
                accepted.key(),
                accepted.origin(),
                accepted.offeredSubprotocols(),
                subprotocol,
                accepted.extensions());
        c.writeRaw(handshake.response(answered, accept.headers()));
        WebSocketImpl ws = new WebSocketImpl(
                c.loop(),
                route.handler(),
                handlerExecutor,
                accepted.path(),
                subprotocol,
                accepted.extensions(),
                remote,
                (InetSocketAddress) ch.getLocalAddress(),
                accept.attachment());
        ws.broker(broker);
        c.open(Role.SERVER, accepted.extensions(), ws, in);
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
        LOG.log(Level.DEBUG, "connection ended before the upgrade: {0}", cause.toString());
    }
}
