package io.duplex.jakarta;

import io.duplex.TlsConfig;
import io.duplex.Upgrader;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A standalone server of Jakarta WebSocket endpoints on Duplex, without a servlet container:
 *
 * <pre>{@code
 * JakartaServer server = JakartaServer.builder().port(8080).endpoint(ChatEndpoint.class).start();
 * }</pre>
 *
 * <p>Endpoints run on a handler executor (a pool of daemon threads unless one is given), in order
 * per connection and one thread at a time per endpoint instance (Jakarta WebSocket 2.1 §5.1), so
 * {@code getBasicRemote()} may block; the event loops only move bytes. Native Duplex handlers may
 * share the server ({@link Builder#route}).
 *
 * <p>Threading: safe from any thread; the builder is not thread-safe.
 */
public final class JakartaServer implements AutoCloseable {
    private final WebSocketServer server;
    private final JakartaEndpoints endpoints;
    private final ExecutorService ownPool;

    private JakartaServer(WebSocketServer server, JakartaEndpoints endpoints, ExecutorService ownPool) {
        this.server = server;
        this.endpoints = endpoints;
        this.ownPool = ownPool;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** The Duplex server underneath (publish/subscribe, streams, connection count). */
    public WebSocketServer server() {
        return server;
    }

    public ServerContainer container() {
        return endpoints.container();
    }

    /** Stops gracefully (1001 to every session, see {@link WebSocketServer#stop}). */
    public void stop(Duration timeout) {
        server.stop(timeout);
        endpoints.close();
        if (ownPool != null) {
            ownPool.shutdown();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** Builds and starts a {@link JakartaServer}; not thread-safe. */
    public static final class Builder {
        private final JakartaEndpoints.Builder endpoints = JakartaEndpoints.builder();
        private final Map<String, WebSocketHandler> routes = new LinkedHashMap<>();
        private String host = "0.0.0.0";
        private int port = 8080;
        private Integer eventLoops;
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private TlsConfig tls;
        private Executor executor;

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder eventLoops(int n) {
            this.eventLoops = n;
            return this;
        }

        /** Limits and timeouts; the defaults are Duplex's secure ones (1 MiB messages, …). */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** Where endpoints run (default: a pool of daemon threads made for this server). */
        public Builder handlerExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        public Builder endpoint(Class<?> annotatedEndpoint) {
            endpoints.endpoint(annotatedEndpoint);
            return this;
        }

        public Builder endpoint(ServerEndpointConfig config) {
            endpoints.endpoint(config);
            return this;
        }

        public Builder application(ServerApplicationConfig application, Class<?>... candidates) {
            endpoints.application(application, candidates);
            return this;
        }

        /** The container's default session idle timeout (zero: none). */
        public Builder maxSessionIdleTimeout(Duration timeout) {
            endpoints.maxSessionIdleTimeout(timeout);
            return this;
        }

        /** Asked before the endpoints' configurators (authentication). */
        public Builder upgrader(Upgrader upgrader) {
            endpoints.upgrader(upgrader);
            return this;
        }

        /** A native Duplex handler next to the Jakarta endpoints. */
        public Builder route(String path, WebSocketHandler handler) {
            routes.put(path, handler);
            return this;
        }

        /** Deploys the endpoints (a malformed one fails it all, §5.2.1) and starts serving. */
        public JakartaServer start() throws DeploymentException {
            JakartaEndpoints built =
                    endpoints.config(config).secure(tls != null).build();
            ExecutorService ownPool = executor == null ? Executors.newCachedThreadPool(daemonThreads()) : null;
            WebSocketServer.Builder b = WebSocketServer.builder()
                    .host(host)
                    .port(port)
                    .config(config)
                    .handlerExecutor(executor != null ? executor : ownPool);
            if (eventLoops != null) {
                b.eventLoops(eventLoops);
            }
            if (tls != null) {
                b.tls(tls);
            }
            routes.forEach(b::route);
            built.addTo(b);
            try {
                return new JakartaServer(b.start(), built, ownPool);
            } catch (RuntimeException e) {
                built.close();
                if (ownPool != null) {
                    ownPool.shutdown();
                }
                throw e;
            }
        }

        private static java.util.concurrent.ThreadFactory daemonThreads() {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "duplex-jakarta-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
