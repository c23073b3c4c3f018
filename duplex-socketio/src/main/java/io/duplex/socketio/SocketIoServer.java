package io.duplex.socketio;

import io.duplex.WebSocketServer;
import io.duplex.socketio.engine.EngineOptions;
import io.duplex.socketio.engine.EngineServer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Socket.IO v4 server (Engine.IO protocol v4, Socket.IO protocol v5) on a Duplex {@link
 * WebSocketServer}: {@link #attach} adds its polling handler and its WebSocket route under the
 * path prefix (default {@code /socket.io/}) to a server builder, so it shares the port with plain
 * WebSocket routes.
 *
 * <pre>{@code
 * SocketIoServer io = SocketIoServer.builder().build();
 * io.of("/").on("connection", socket ->
 *         socket.on("chat", (args, ack) -> socket.broadcast().emit("chat", args.toArray())));
 * WebSocketServer server = io.attach(WebSocketServer.builder().port(3000)).start();
 * }</pre>
 *
 * <p>Threading: safe from any thread. Each client's handlers run on its session's queue, one at a
 * time (see {@link SioSocket}).
 */
public final class SocketIoServer implements AutoCloseable {
    private final String path;
    private final EngineServer engine;
    private final Duration connectTimeout;
    private final int maxNamespaces;
    private final int maxAttachments;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

    private SocketIoServer(Builder b) {
        this.path = b.path;
        this.connectTimeout = b.connectTimeout;
        this.maxNamespaces = b.maxNamespaces;
        this.maxAttachments = b.maxAttachments;
        this.engine = new EngineServer(
                new EngineOptions(
                        b.pingInterval,
                        b.pingTimeout,
                        b.maxHttpBufferSize,
                        b.maxPacketsPerPayload,
                        b.allowUpgrades,
                        b.transports,
                        b.allowedOrigins),
                session -> session.listener(new SioClient(this, session)));
        namespaces.put("/", new Namespace("/"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds this server's HTTP handler and WebSocket route under its path to {@code builder}. */
    public WebSocketServer.Builder attach(WebSocketServer.Builder builder) {
        return builder.http(path, engine.httpHandler()).routePrefix(path, engine.webSocketHandler(), engine.upgrader());
    }

    /** The namespace {@code name}, made on first use. */
    public Namespace of(String name) {
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("a namespace starts with /");
        }
        return namespaces.computeIfAbsent(name, Namespace::new);
    }

    /** The main namespace, {@code "/"}. */
    public Namespace sockets() {
        return namespaces.get("/");
    }

    /** Open Engine.IO sessions. */
    public int sessionCount() {
        return engine.sessionCount();
    }

    /** Closes every session and stops the timers (the WebSocket server is stopped by its owner). */
    @Override
    public void close() {
        engine.close();
    }

    Namespace namespace(String name) {
        return namespaces.get(name);
    }

    EngineServer engine() {
        return engine;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    int maxNamespaces() {
        return maxNamespaces;
    }

    int maxAttachments() {
        return maxAttachments;
    }

    /** Builds a {@link SocketIoServer}; not thread-safe. Defaults are the reference server's. */
    public static final class Builder {
        private String path = "/socket.io/";
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration connectTimeout = Duration.ofSeconds(45);
        private int maxHttpBufferSize = 1_000_000;
        private int maxPacketsPerPayload = 1_000;
        private int maxNamespaces = 64;
        private int maxAttachments = 1_000;
        private boolean allowUpgrades = true;
        private Set<String> transports = Set.of("polling", "websocket");
        private Set<String> allowedOrigins = Set.of();

        private Builder() {}

        /** The path prefix (default {@code /socket.io/}). */
        public Builder path(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a path starts with /");
            }
            this.path = path.endsWith("/") ? path : path + "/";
            return this;
        }

        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d);
            return this;
        }

        public Builder pingTimeout(Duration d) {
            this.pingTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How long a session may take to join a namespace before it is closed (default 45 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** The largest message or polling body (default 1,000,000 bytes, as the reference). */
        public Builder maxHttpBufferSize(int bytes) {
            this.maxHttpBufferSize = bytes;
            return this;
        }

        /** The most packets in one polling POST (default 1,000). */
        public Builder maxPacketsPerPayload(int n) {
            this.maxPacketsPerPayload = n;
            return this;
        }

        /** The most namespaces one client may join (default 64). */
        public Builder maxNamespaces(int n) {
            this.maxNamespaces = n;
            return this;
        }

        /** The most binary attachments in one packet (default 1,000). */
        public Builder maxAttachments(int n) {
            this.maxAttachments = n;
            return this;
        }

        public Builder allowUpgrades(boolean allow) {
            this.allowUpgrades = allow;
            return this;
        }

        /** The transports accepted: {@code polling}, {@code websocket} (default both). */
        public Builder transports(Set<String> transports) {
            this.transports = Set.copyOf(transports);
            return this;
        }

        /**
         * Browser origins allowed besides the server's own ({@code https://app.example.com}); they
         * get CORS headers on polling. The WebSocket server's own Origin policy applies to the
         * WebSocket transport too: allow the same origins there.
         */
        public Builder allowedOrigins(Set<String> origins) {
            this.allowedOrigins = Set.copyOf(origins);
            return this;
        }

        public SocketIoServer build() {
            return new SocketIoServer(this);
        }
    }
}
