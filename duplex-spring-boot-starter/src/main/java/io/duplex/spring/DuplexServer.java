package io.duplex.spring;

import io.duplex.Broker;
import io.duplex.TlsConfig;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.handshake.OriginPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.springframework.context.SmartLifecycle;

/**
 * The auto-configured {@link WebSocketServer} in the Spring lifecycle: built from {@link
 * DuplexProperties}, the {@link DuplexRoute} beans and the {@link DuplexServerCustomizer}s, started
 * when the context refreshes (it listens from then on), and stopped gracefully when the context
 * closes — 1001 Going Away to every connection, up to {@code duplex.shutdown-timeout} for the close
 * handshakes — in an early phase, before the beans its handlers use are destroyed.
 *
 * <p>Threading: {@link #start} and {@link #stop} are called by Spring on one thread; {@link
 * #server()}, {@link #port()} and {@link #isRunning()} from any thread.
 */
public class DuplexServer implements SmartLifecycle {
    /** Stops before the web server's graceful shutdown phase ends and before ordinary beans. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private final DuplexProperties properties;
    private final List<DuplexRoute> routes;
    private final List<DuplexServerCustomizer> customizers;
    private final Broker broker;
    private volatile WebSocketServer server;

    /**
     * @param broker the server's broker, or null for a new in-memory one
     */
    public DuplexServer(
            DuplexProperties properties,
            List<DuplexRoute> routes,
            List<DuplexServerCustomizer> customizers,
            Broker broker) {
        this.properties = properties;
        this.routes = List.copyOf(routes);
        this.customizers = List.copyOf(customizers);
        this.broker = broker;
    }

    /** The running server; fails before the context started it or after it stopped. */
    public WebSocketServer server() {
        WebSocketServer s = server;
        if (s == null) {
            throw new IllegalStateException("the Duplex server is not running");
        }
        return s;
    }

    /** The bound port (the real one with {@code duplex.port=0}). */
    public int port() {
        return server().port();
    }

    /** The builder as the properties, routes and customizers make it (not started). */
    WebSocketServer.Builder builder() {
        DuplexProperties p = properties;
        WebSocketServer.Builder b =
                WebSocketServer.builder().host(p.getHost()).port(p.getPort()).config(config(p));
        if (p.getEventLoops() != null) {
            b.eventLoops(p.getEventLoops());
        }
        TlsConfig tls = tls(p.getTls());
        if (tls != null) {
            b.tls(tls);
        }
        if (broker != null) {
            b.broker(broker);
        }
        for (DuplexRoute r : routes) {
            if (r.prefix()) {
                b.routePrefix(r.path(), r.handler(), r.upgrader());
            } else {
                b.route(r.path(), r.handler(), r.upgrader());
            }
        }
        for (DuplexServerCustomizer c : customizers) {
            c.customize(b);
        }
        return b;
    }

    static WebSocketConfig config(DuplexProperties p) {
        WebSocketConfig.Builder c = WebSocketConfig.builder().compression(p.isCompression());
        if (p.getMaxMessageSize() != null) {
            c.maxMessageSize(p.getMaxMessageSize().toBytes());
        }
        if (p.getMaxFrameSize() != null) {
            c.maxFrameSize(p.getMaxFrameSize().toBytes());
        }
        if (p.getOutboundLimit() != null) {
            c.outboundLimit(p.getOutboundLimit().toBytes());
        }
        if (p.getMaxConnections() != null) {
            c.maxConnections(p.getMaxConnections());
        }
        if (p.getMaxConnectionsPerAddress() != null) {
            c.maxConnectionsPerAddress(p.getMaxConnectionsPerAddress());
        }
        if (p.getHandshakeTimeout() != null) {
            c.handshakeTimeout(p.getHandshakeTimeout());
        }
        if (p.getPingInterval() != null) {
            c.pingInterval(p.getPingInterval());
        }
        if (p.getIdleTimeout() != null) {
            c.idleTimeout(p.getIdleTimeout());
        }
        List<String> origins = p.getAllowedOrigins();
        if (origins.contains("*")) {
            c.originPolicy(OriginPolicy.any());
        } else if (!origins.isEmpty()) {
            c.originPolicy(OriginPolicy.allowList(origins));
        }
        return c.build();
    }

    private static TlsConfig tls(DuplexProperties.Tls t) {
        if (t.getCertificateFile() == null && t.getKeyFile() == null) {
            return null;
        }
        if (t.getCertificateFile() == null || t.getKeyFile() == null) {
            throw new IllegalStateException("duplex.tls.certificate-file and duplex.tls.key-file go together");
        }
        try {
            return TlsConfig.pem(Path.of(t.getCertificateFile()), Path.of(t.getKeyFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load duplex.tls: " + e.getMessage(), e);
        }
    }

    @Override
    public void start() {
        if (server != null) {
            return;
        }
        WebSocketServer started = builder().start();
        server = started;
        for (DuplexServerCustomizer c : customizers) {
            c.started(started);
        }
    }

    @Override
    public void stop() {
        WebSocketServer s = server;
        if (s != null) {
            s.stop(properties.getShutdownTimeout());
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
