package io.duplex.socketio;

import io.duplex.Broker;
import io.duplex.History;
import io.duplex.InMemoryBroker;
import io.duplex.InMemoryStreamEngine;
import io.duplex.StreamEngine;
import io.duplex.WebSocketServer;
import io.duplex.socketio.engine.EngineOptions;
import io.duplex.socketio.engine.EngineServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
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
 * <p>Rooms and broadcasts run on a Duplex {@link Broker} ({@link Builder#broker}, installed on the
 * WebSocket server by {@link #attach}): a room is the topic {@code sio:<namespace>:<room>}, so with
 * a {@code RedisBroker} (module duplex-redis) a broadcast reaches the sockets of every node.
 *
 * <p>Threading: safe from any thread. Each client's handlers run on its session's queue, one at a
 * time (see {@link SioSocket}).
 */
public final class SocketIoServer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String path;
    private final EngineServer engine;
    private final Duration connectTimeout;
    private final int maxNamespaces;
    private final int maxRoomsPerSocket;
    private final int maxAttachments;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Broker broker;
    private final Duration maxDisconnectionDuration;
    private final boolean skipMiddlewares;
    private final int maxRecoveryPackets;
    private final StreamEngine recoveryEngine;
    private final boolean recoveryEngineShared;
    /** Broadcasts with acks across nodes; null with the in-memory broker (one node). */
    private final AckBroadcasts acks;
    /** Namespaces by their recovery stream topic, for the engine's sink. */
    private final Map<String, RecoveryStream> streams = new ConcurrentHashMap<>();

    private SocketIoServer(Builder b) {
        this.path = b.path;
        this.connectTimeout = b.connectTimeout;
        this.maxNamespaces = b.maxNamespaces;
        this.maxRoomsPerSocket = b.maxRoomsPerSocket;
        this.maxAttachments = b.maxAttachments;
        this.broker = b.broker != null ? b.broker : new InMemoryBroker();
        // An in-memory broker serves this process only: a broadcast with acks stays on this node
        // and publishes nothing; any other broker may span nodes, which must then report.
        this.acks = broker instanceof InMemoryBroker ? null : new AckBroadcasts(this);
        this.maxDisconnectionDuration = b.maxDisconnectionDuration;
        this.skipMiddlewares = b.skipMiddlewares;
        this.maxRecoveryPackets = b.maxRecoveryPackets;
        if (b.recoveryEngine != null && b.maxDisconnectionDuration == null) {
            throw new IllegalStateException("recoveryEngine needs connectionStateRecovery");
        }
        this.recoveryEngineShared = b.recoveryEngine != null;
        this.recoveryEngine = b.recoveryEngine != null
                ? b.recoveryEngine
                : b.maxDisconnectionDuration == null
                        ? null
                        // Node-local; an unlistened topic (a kept session) lives as long as it may be used.
                        : new InMemoryStreamEngine(InstantSource.system(), b.maxDisconnectionDuration);
        if (recoveryEngine != null) {
            recoveryEngine.start(p -> {
                RecoveryStream rs = streams.get(p.topic());
                if (rs != null) {
                    rs.onPublication(p);
                }
            });
        }
        this.engine = new EngineServer(
                new EngineOptions(
                        b.pingInterval,
                        b.pingTimeout,
                        b.maxHttpBufferSize,
                        b.maxPacketsPerPayload,
                        b.allowUpgrades,
                        b.transports,
                        b.allowedOrigins,
                        b.perMessageDeflate),
                session -> session.listener(new SioClient(this, session)));
        namespaces.put("/", newNamespace("/"));
    }

    private Namespace newNamespace(String name) {
        Namespace n = new Namespace(this, name);
        if (n.recovery() != null) {
            streams.put(n.recovery().topic(), n.recovery());
        }
        return n;
    }

    static String randomId(int bytes) {
        byte[] id = new byte[bytes];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds this server's HTTP handler and WebSocket route under its path to {@code builder}, and
     * makes this server's {@link #broker()} the WebSocket server's broker (set a shared broker on
     * {@link Builder#broker}, not on the WebSocket server's builder).
     */
    public WebSocketServer.Builder attach(WebSocketServer.Builder builder) {
        return builder.broker(broker)
                .http(path, engine.httpHandler())
                .routePrefix(path, engine.webSocketHandler(), engine.upgrader());
    }

    /** The namespace {@code name}, made on first use. */
    public Namespace of(String name) {
        if (!name.startsWith("/") || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a namespace starts with / and has no ':' (broker topics)");
        }
        return namespaces.computeIfAbsent(name, this::newNamespace);
    }

    /** The main namespace, {@code "/"}. */
    public Namespace sockets() {
        return namespaces.get("/");
    }

    /** Open Engine.IO sessions. */
    public int sessionCount() {
        return engine.sessionCount();
    }

    /** The broker rooms and broadcasts run on. */
    public Broker broker() {
        return broker;
    }

    /**
     * Closes every session, stops the timers, leaves the broker's topics, fails the broadcasts with
     * acks still waiting (a {@link SocketIoException}) and closes the recovery engine (the
     * WebSocket server and the broker are stopped by their owner).
     */
    @Override
    public void close() {
        engine.close();
        namespaces.values().forEach(Namespace::close);
        if (acks != null) {
            acks.close();
        }
        if (recoveryEngine != null) {
            recoveryEngine.close();
        }
    }

    /** Broadcasts with acks across nodes, or null when the broker is in-memory (one node). */
    AckBroadcasts acks() {
        return acks;
    }

    /** Whether connection state recovery is on. */
    boolean recovery() {
        return maxDisconnectionDuration != null;
    }

    Duration maxDisconnectionDuration() {
        return maxDisconnectionDuration;
    }

    boolean skipMiddlewares() {
        return skipMiddlewares;
    }

    int maxRecoveryPackets() {
        return maxRecoveryPackets;
    }

    StreamEngine recoveryEngine() {
        return recoveryEngine;
    }

    /** Whether the recovery engine spans every node (given), rather than this node's memory. */
    boolean recoveryEngineShared() {
        return recoveryEngineShared;
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

    int maxRoomsPerSocket() {
        return maxRoomsPerSocket;
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
        private int maxRoomsPerSocket = 1_000;
        private int maxAttachments = 1_000;
        private boolean allowUpgrades = true;
        private boolean perMessageDeflate;
        private Set<String> transports = Set.of("polling", "websocket");
        private Set<String> allowedOrigins = Set.of();
        private Broker broker;
        private Duration maxDisconnectionDuration;
        private boolean skipMiddlewares = true;
        private int maxRecoveryPackets = 10_000;
        private StreamEngine recoveryEngine;

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

        /**
         * The most rooms one socket may be in, its own id's room included (default 1,000; the
         * reference server has no bound): {@link SioSocket#join} throws beyond it.
         */
        public Builder maxRoomsPerSocket(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a socket is at least in its own room");
            }
            this.maxRoomsPerSocket = n;
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

        /**
         * Whether the WebSocket transport negotiates permessage-deflate (RFC 7692) when the client
         * offers it (default false, as the reference server: its option of the same name).
         */
        public Builder perMessageDeflate(boolean enabled) {
            this.perMessageDeflate = enabled;
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

        /**
         * The broker for rooms and broadcasts (default: a new {@link InMemoryBroker}); a {@code
         * RedisBroker} spans several nodes. {@link SocketIoServer#attach} installs it on the
         * WebSocket server. With any broker but the in-memory one, broadcasts with acknowledgements
         * wait for every node serving the namespace ({@link BroadcastOperator#emitWithAck}): give
         * each server a broker of its own (the broker counts nodes by its subscriptions).
         */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker);
            return this;
        }

        /**
         * Turns on connection state recovery (the reference's {@code connectionStateRecovery}):
         * a client that lost its connection and comes back within {@code maxDisconnectionDuration}
         * (the reference's default is 2 minutes) gets its socket id, rooms and data back, and the
         * events it missed; {@code socket.recovered} is true on both sides. Kept, by default, in
         * this node's memory (an {@link InMemoryStreamEngine}): the client must come back to the
         * same node; give every node one shared {@link #recoveryEngine} to recover on any node.
         * A socket's {@code data} is kept as JSON (Jackson): keep it to JSON values.
         */
        public Builder connectionStateRecovery(Duration maxDisconnectionDuration) {
            if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
                throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
            }
            this.maxDisconnectionDuration = maxDisconnectionDuration;
            return this;
        }

        /** Whether a recovered socket skips the namespace's middleware (default true, as the reference). */
        public Builder skipMiddlewares(boolean skip) {
            this.skipMiddlewares = skip;
            return this;
        }

        /** The most packets kept per namespace for recovery (default 10,000; older ones are dropped). */
        public Builder maxRecoveryPackets(int n) {
            if (n < 1 || n > History.MAX_SIZE) {
                throw new IllegalArgumentException("maxRecoveryPackets must be 1.." + History.MAX_SIZE);
            }
            this.maxRecoveryPackets = n;
            return this;
        }

        /**
         * Keeps connection state recovery on {@code engine}, which every node of the deployment
         * shares (a {@code RedisStreamEngine}, module duplex-redis): each namespace's kept events
         * are its stream {@code sio@<namespace>}, the sessions of disconnected sockets the topics
         * {@code sio@s.<pid>}, so a client recovers on whichever node it reaches. Every event kept
         * for recovery is published on the engine and delivered by every node from its stream.
         * The engine is this server's own: a new instance, not a {@code WebSocketServer}'s; the
         * server starts it and {@link SocketIoServer#close} closes it. Needs {@link
         * #connectionStateRecovery}.
         */
        public Builder recoveryEngine(StreamEngine engine) {
            this.recoveryEngine = Objects.requireNonNull(engine);
            return this;
        }

        public SocketIoServer build() {
            return new SocketIoServer(this);
        }
    }
}
