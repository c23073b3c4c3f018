package io.duplex;

import io.duplex.internal.HttpRoutes;
import io.duplex.internal.RunningServer;
import io.duplex.internal.ServerSettings;
import io.duplex.internal.ServerUpgrade;
import io.duplex.internal.StaticFiles;
import io.duplex.internal.StreamHub;
import io.duplex.internal.TopicPatterns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A non-blocking WebSocket server: event loops (one per core by default), routing by path, an
 * {@link Upgrader} for authentication, Origin checks, connection limits, timeouts, TLS, static
 * files for demo pages, and a graceful {@link #stop(Duration)}.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(8080)
 *         .route("/echo", WebSocketHandler.onText((ws, text) -> ws.send(text)))
 *         .start();
 * }</pre>
 *
 * <p>The builder is read once, by {@link Builder#start()}: changing it afterwards does not affect
 * the running server. The accept loop, connection limits and graceful stop live in
 * {@code io.duplex.internal} ({@code Acceptor}, {@code ConnectionLimits}, {@code ConnectionSet},
 * {@code RunningServer}); this class is their public face.
 *
 * <p>Threading: safe from any thread. Handlers run on the event loops unless a handler executor
 * is set.
 */
public final class WebSocketServer implements AutoCloseable {
    /** The default of {@link Builder#maxStreamSubscriptions}. */
    public static final int DEFAULT_MAX_STREAM_SUBSCRIPTIONS = 256;

    private final ServerSettings settings;
    private final Streams streams;
    private final RunningServer running;

    private WebSocketServer(ServerSettings settings) throws IOException {
        this.settings = settings;
        this.streams = new Streams(
                new StreamHub(
                        settings.streamEngine(),
                        settings.histories(),
                        settings.presenceEngine(),
                        settings.presence(),
                        settings.presenceIdentity()),
                settings.maxStreamSubscriptions(),
                (int) settings.config().protocol().maxMessageSize());
        this.running = new RunningServer(settings);
    }

    /**
     * The server's topics as streams: positions, history, publish acknowledgements and
     * subscriptions that recover what a subscriber missed (see {@link Streams}).
     */
    public Streams streams() {
        return streams;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return running.address().getPort();
    }

    public InetSocketAddress address() {
        return running.address();
    }

    /** Publishes to every subscriber of {@code topic}, encoded once. Returns the local count. */
    public int publish(String topic, PreparedMessage message) {
        int recipients = settings.broker().publish(topic, message, null);
        MetricsListener metrics = settings.metrics();
        if (metrics != null) {
            metrics.published(recipients);
        }
        return recipients;
    }

    public int publish(String topic, CharSequence text) {
        return publish(topic, PreparedMessage.text(text));
    }

    /** Local subscribers of a topic. */
    public int subscriberCount(String topic) {
        return settings.broker().subscriberCount(topic);
    }

    public Broker broker() {
        return settings.broker();
    }

    /** Open connections (including those still in the handshake). */
    public int connectionCount() {
        return running.connectionCount();
    }

    /**
     * Bytes the server's connections hold in outbound batches (queued, not yet written), counted
     * in whole batches; for a gauge. Any thread.
     */
    public long bufferedBytes() {
        return running.bufferedBytes();
    }

    /**
     * Open connections that negotiated permessage-deflate (RFC 7692), from their upgrade until they
     * are gone; for a gauge. Such a connection costs CPU per message compressed or inflated, and,
     * with context takeover, a deflater and an inflater (native memory outside the heap) for its
     * whole life. Any thread.
     */
    public int deflateConnections() {
        return running.deflateConnections();
    }

    /** The metrics listener set on the builder, or null. */
    public MetricsListener metrics() {
        return settings.metrics();
    }

    /**
     * Drains the server for a rolling deploy, without a reconnect stampede: from now on new
     * connections are answered 503 with {@code Retry-After} (the listening socket stays open, so a
     * load balancer's health check sees the 503 and takes the node out), and the connections open
     * now are closed with 1012 Service Restart (RFC 6455 §7.4.1) in waves, one about every 50 ms,
     * spread evenly over {@code over}. Each close reason carries a {@link ReconnectHint} with the
     * interval between two waves, so clients that honour it (a {@link ReconnectPolicy} client does)
     * reconnect at a random moment within their wave's interval: the fleet's reconnects are spread
     * over {@code over}, not bunched at the wave edges. Returns at once; the future completes when
     * every connection is gone, or after {@code over} plus the close timeout, when the rest are
     * aborted. Only the first call drains (later calls return the same future); call {@link
     * #stop(Duration)} afterwards to end the server.
     *
     * <p>Threading: safe from any thread, handlers included (it never blocks).
     */
    public CompletableFuture<Void> drain(Duration over) {
        long waves = Math.max(1, Math.min(10_000, over.toNanos() / RunningServer.DRAIN_WAVE.toNanos()));
        return drain(over, Duration.ofNanos(over.toNanos() / waves));
    }

    /**
     * {@link #drain(Duration)} with an explicit reconnect window: each close reason tells clients
     * to reconnect at a random moment within {@code reconnectWithin} of their close.
     */
    public CompletableFuture<Void> drain(Duration over, Duration reconnectWithin) {
        if (over.isNegative()) {
            throw new IllegalArgumentException("drain duration must not be negative");
        }
        String reason = new ReconnectHint(reconnectWithin).closeReason();
        return running.drain(over, reason, settings.config().closeTimeout());
    }

    /**
     * Stops gracefully: stop accepting, send 1001 Going Away to every connection, wait up to
     * {@code timeout} for the close handshakes, then abort the rest and end the loop threads.
     * Called from a handler on an event loop, it returns at once and stops in the background.
     */
    public void stop(Duration timeout) {
        running.stop(timeout);
    }

    /** {@link #stop(Duration)} with the close timeout. */
    @Override
    public void close() {
        stop(settings.config().closeTimeout());
    }

    /** Builds and starts a {@link WebSocketServer}; not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int backlog = 1024;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private final Map<String, ServerUpgrade.Route> routes = new LinkedHashMap<>();
        private final Map<String, ServerUpgrade.Route> prefixRoutes = new LinkedHashMap<>();
        private final Map<String, HttpHandler> http = new LinkedHashMap<>();
        private int maxHttpBody = HttpRoutes.DEFAULT_MAX_BODY;
        private Upgrader upgrader = Upgrader.acceptAll();
        private Executor handlerExecutor;
        private TlsConfig tls;
        private StaticFiles staticFiles;
        private Broker broker = new InMemoryBroker();
        private StreamEngine streamEngine;
        private final Map<String, History> histories = new LinkedHashMap<>();
        private int maxStreamSubscriptions = DEFAULT_MAX_STREAM_SUBSCRIPTIONS;
        private PresenceEngine presenceEngine;
        private final Map<String, PresenceOptions> presence = new LinkedHashMap<>();
        private PresenceIdentity presenceIdentity = PresenceIdentity.anonymous();
        private MetricsListener metrics;

        /**
         * Tells {@code listener} about connections, handshakes, messages, bytes, drops and
         * publishes (see {@link MetricsListener}; default: none, at no cost).
         */
        public Builder metrics(MetricsListener listener) {
            this.metrics = listener;
            return this;
        }

        /**
         * Presence on the topics named {@code pattern} (an exact name, or a prefix ending in {@code
         * *}; the longest match wins): their stream subscribers are their members. Off by default.
         */
        public Builder presence(String pattern, PresenceOptions options) {
            TopicPatterns.check(pattern);
            presence.put(pattern, Objects.requireNonNull(options));
            return this;
        }

        /** Where members live (default: a new {@link InMemoryPresenceEngine} per server). */
        public Builder presenceEngine(PresenceEngine engine) {
            this.presenceEngine = Objects.requireNonNull(engine);
            return this;
        }

        /** Who a connection is, for presence (default: anonymous, each connection its own user). */
        public Builder presenceIdentity(PresenceIdentity identity) {
            this.presenceIdentity = Objects.requireNonNull(identity);
            return this;
        }

        private Builder() {}

        /**
         * Where streams keep positions and history (default: a new {@link InMemoryStreamEngine}
         * per server). An engine serves one server.
         */
        public Builder streamEngine(StreamEngine engine) {
            this.streamEngine = Objects.requireNonNull(engine);
            return this;
        }

        /**
         * The history of the topics named {@code pattern}: an exact name, or a prefix ending in
         * {@code *} ({@code "chat.*"}, or {@code "*"} for all). An exact name wins over patterns,
         * the longest pattern over shorter ones; other topics keep none ({@link History#NONE}).
         */
        public Builder history(String pattern, History history) {
            histories.put(Objects.requireNonNull(pattern), Objects.requireNonNull(history));
            TopicPatterns.check(pattern);
            return this;
        }

        /** The most stream subscriptions one socket may hold (default {@value #DEFAULT_MAX_STREAM_SUBSCRIPTIONS}). */
        public Builder maxStreamSubscriptions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreamSubscriptions must be >= 1");
            }
            this.maxStreamSubscriptions = max;
            return this;
        }

        /** The publish/subscribe broker (default: a new {@link InMemoryBroker}). */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker);
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        public Builder eventLoops(int n) {
            this.eventLoops = n;
            return this;
        }

        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Routes an exact path ({@code "*"} matches any other path) to a handler. */
        public Builder route(String path, WebSocketHandler handler) {
            return route(path, handler, null);
        }

        /** Routes a path with its own upgrader (authentication per endpoint). */
        public Builder route(String path, WebSocketHandler handler, Upgrader upgrader) {
            routes.put(path, new ServerUpgrade.Route(handler, upgrader));
            return this;
        }

        /**
         * Routes WebSocket upgrades to every path under {@code prefix} (a path starting with it, or
         * the prefix without its trailing slash) that has no exact route; the longest prefix wins.
         * The upgrader sees the whole path and query ({@code null}: the server-wide one).
         */
        public Builder routePrefix(String prefix, WebSocketHandler handler, Upgrader upgrader) {
            checkPrefix(prefix);
            prefixRoutes.put(prefix, new ServerUpgrade.Route(Objects.requireNonNull(handler), upgrader));
            return this;
        }

        /**
         * Answers plain HTTP requests (not WebSocket upgrades) under {@code prefix} with {@code
         * handler}, on the same port: HTTP/1.1 with keep-alive, one request at a time per
         * connection, {@code Content-Length} bodies up to {@link #maxHttpBody} (chunked bodies get
         * 411, larger ones 413). They take precedence over static files; the longest prefix wins.
         */
        public Builder http(String prefix, HttpHandler handler) {
            checkPrefix(prefix);
            http.put(prefix, Objects.requireNonNull(handler));
            return this;
        }

        /** The largest HTTP request body {@link #http} handlers accept (default 1 MiB; larger: 413). */
        public Builder maxHttpBody(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxHttpBody must be >= 0");
            }
            this.maxHttpBody = bytes;
            return this;
        }

        private static void checkPrefix(String prefix) {
            if (prefix == null || !prefix.startsWith("/")) {
                throw new IllegalArgumentException("a path prefix starts with /");
            }
        }

        /** The upgrader for routes that have none of their own. */
        public Builder upgrader(Upgrader upgrader) {
            this.upgrader = Objects.requireNonNull(upgrader);
            return this;
        }

        /** Runs handlers on this executor instead of the event loops (in order per connection). */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = executor;
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** Answers non-upgrade GET/HEAD requests from files in {@code directory}. */
        public Builder staticFiles(Path directory) {
            this.staticFiles = StaticFiles.directory(directory);
            return this;
        }

        /** Answers non-upgrade GET/HEAD requests from a classpath folder. */
        public Builder staticResources(String classpathFolder) {
            this.staticFiles = StaticFiles.classpath(classpathFolder);
            return this;
        }

        /**
         * The builder as it is now, copied into immutable settings; each route without an
         * upgrader of its own gets the server-wide one current at this moment.
         */
        private ServerSettings freeze() {
            Map<String, ServerUpgrade.Route> resolved = new LinkedHashMap<>();
            routes.forEach((p, r) ->
                    resolved.put(p, r.upgrader() != null ? r : new ServerUpgrade.Route(r.handler(), upgrader)));
            Map<String, ServerUpgrade.Route> resolvedPrefixes = new LinkedHashMap<>();
            prefixRoutes.forEach((p, r) ->
                    resolvedPrefixes.put(p, r.upgrader() != null ? r : new ServerUpgrade.Route(r.handler(), upgrader)));
            return new ServerSettings(
                    host,
                    port,
                    backlog,
                    eventLoops,
                    config,
                    resolved,
                    resolvedPrefixes,
                    new HttpRoutes(List.copyOf(http.entrySet()), maxHttpBody),
                    handlerExecutor,
                    tls,
                    staticFiles,
                    broker,
                    streamEngine != null ? streamEngine : new InMemoryStreamEngine(),
                    new TopicPatterns<>(histories, History.NONE),
                    presenceEngine != null ? presenceEngine : new InMemoryPresenceEngine(),
                    new TopicPatterns<>(presence, null),
                    presenceIdentity,
                    maxStreamSubscriptions,
                    metrics);
        }

        /**
         * Binds and starts serving with the builder's current settings, which are copied: later
         * changes to this builder do not reach the started server (but may start another).
         */
        public WebSocketServer start() {
            if (routes.isEmpty() && prefixRoutes.isEmpty() && http.isEmpty()) {
                throw new IllegalStateException("no routes: add at least one with route(path, handler)");
            }
            try {
                return new WebSocketServer(freeze());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }
}
