package io.duplex;

import io.duplex.extension.ExtensionFactory;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.internal.ClientUpgrade;
import io.duplex.internal.Connection;
import io.duplex.internal.EventLoop;
import io.duplex.internal.EventLoopGroup;
import io.duplex.internal.LoopExtensions;
import io.duplex.internal.PlainTransport;
import io.duplex.internal.ProxyTunnel;
import io.duplex.internal.ReconnectingWebSocket;
import io.duplex.internal.TlsTransport;
import io.duplex.internal.Transport;
import io.duplex.protocol.ProtocolConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A non-blocking WebSocket client for {@code ws://} and {@code wss://} (hostname verification and
 * SNI on by default), with custom headers, subprotocols, extensions and timeouts, over IPv4 or
 * IPv6. One client can hold many connections; it owns its event loop(s) until {@link #close()}.
 *
 * <pre>{@code
 * try (WebSocketClient client = WebSocketClient.builder().build()) {
 *     WebSocket ws = client.connect(URI.create("ws://localhost:8080/echo"),
 *             WebSocketHandler.onText((s, text) -> System.out.println(text))).join();
 *     ws.send("hello");
 * }
 * }</pre>
 *
 * <p>Threading: safe from any thread.
 */
public final class WebSocketClient implements AutoCloseable {
    private final Builder config;
    /** The engine configuration of every connection (see {@link Connection#engineConfig}). */
    private final ProtocolConfig engineConfig;

    private final EventLoopGroup loops;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<EventLoop, List<ExtensionFactory>> loopExtensions = new IdentityHashMap<>();

    private WebSocketClient(Builder b) {
        this.config = b;
        this.engineConfig = Connection.engineConfig(b.config.protocol());
        this.loops = new EventLoopGroup("duplex-client", b.eventLoops, Duration.ofMillis(50));
        for (EventLoop loop : loops.loops()) {
            loopExtensions.put(loop, LoopExtensions.forLoop(b.config.extensions()));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects with the client's defaults. */
    public CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        return connect(uri, handler, Map.of());
    }

    /**
     * Connects, adding {@code headers} to the upgrade request (e.g. {@code Authorization}).
     * The future fails with a {@link io.duplex.handshake.HandshakeException} (carrying the HTTP
     * status) when the server refuses the upgrade, an {@link IOException} when the connection or
     * TLS fails, or a {@link java.util.concurrent.TimeoutException}.
     */
    public CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler, Map<String, String> headers) {
        if (config.reconnect == null) {
            return connectOnce(uri, handler, headers);
        }
        Scheduler scheduler = config.scheduler != null ? config.scheduler : this::scheduleOnLoop;
        return new ReconnectingWebSocket(
                        h -> connectOnce(uri, h, headers),
                        handler,
                        config.reconnect,
                        scheduler,
                        config.random,
                        config.queueWhileReconnecting)
                .start();
    }

    private Scheduler.Cancellable scheduleOnLoop(Runnable task, Duration delay) {
        EventLoop.Cancellable c = loops.next().schedule(task, delay.toNanos());
        return c::cancel;
    }

    private CompletableFuture<WebSocket> connectOnce(URI uri, WebSocketHandler handler, Map<String, String> headers) {
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            result.completeExceptionally(new IllegalArgumentException("not a ws:// or wss:// URI: " + uri));
            return result;
        }
        if (uri.getHost() == null) {
            result.completeExceptionally(new IllegalArgumentException("no host in " + uri));
            return result;
        }
        boolean secure = scheme.equals("wss");
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost();
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        EventLoop loop = loops.next();
        ClientHandshake handshake;
        try {
            ClientHandshake.Builder hb = ClientHandshake.builder(uri)
                    .subprotocols(config.config.subprotocols())
                    .extensions(loopExtensions.get(loop));
            if (config.origin != null) {
                hb.origin(config.origin);
            }
            Map<String, String> all = new LinkedHashMap<>(config.headers);
            all.putAll(headers);
            all.forEach(hb::header);
            handshake = hb.build();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        // DNS may block: resolve off the event loop. Through a proxy, the proxy resolves the host.
        String connectHost = config.proxy != null ? config.proxy.host() : bareHost;
        int connectPort = config.proxy != null ? config.proxy.port() : port;
        CompletableFuture.supplyAsync(() -> resolve(connectHost))
                .thenAccept(address -> {
                    loop.execute(() -> open(
                            loop,
                            new InetSocketAddress(address, connectPort),
                            bareHost,
                            port,
                            secure,
                            handshake,
                            handler,
                            result));
                })
                .exceptionally(e -> {
                    result.completeExceptionally(e instanceof CompletionException ? e.getCause() : e);
                    return null;
                });
        return result;
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CompletionException(new UnknownHostException("unknown host: " + host));
        }
    }

    private void open(
            EventLoop loop,
            InetSocketAddress address,
            String host,
            int port,
            boolean secure,
            ClientHandshake handshake,
            WebSocketHandler handler,
            CompletableFuture<WebSocket> result) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Transport transport;
            if (secure) {
                TlsConfig tls = config.tls != null ? config.tls : TlsConfig.client();
                transport = TlsTransport.client(ch, tls.newEngine(host, port, true));
            } else {
                transport = new PlainTransport(ch);
            }
            if (config.proxy != null) {
                transport = new ProxyTunnel(transport, config.proxy, host, port);
            }
            ClientUpgrade upgrade = new ClientUpgrade(
                    handshake,
                    new HttpHeadParser(config.config.headLimits(), HttpHeadParser.Kind.RESPONSE),
                    handler,
                    config.handlerExecutor,
                    result);
            Connection c = new Connection(loop, config.config, engineConfig, transport, upgrade, gone -> {
                connections.remove(gone);
                synchronized (connections) {
                    connections.notifyAll();
                }
            });
            connections.add(c);
            boolean connected = ch.connect(address);
            // Until connected, the connect timeout; then the handshake timeout (Connection).
            c.register(
                    connected,
                    (connected ? config.config.handshakeTimeout() : config.config.connectTimeout()).toNanos());
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            result.completeExceptionally(e);
        }
    }

    /**
     * Closes every connection with 1001 Going Away, waits up to 2 s for the close handshakes,
     * aborts the rest (their handlers see {@code onClose}), then stops the client's event loops.
     */
    @Override
    public void close() {
        for (Connection c : connections) {
            c.loop().execute(() -> c.goAway(1001, "client closing"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        synchronized (connections) {
            long left;
            while (!connections.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(connections, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (Connection c : connections) {
            c.loop().execute(c::abort);
        }
        loops.shutdown(Duration.ofSeconds(5));
    }

    /** Builds a {@link WebSocketClient}; not thread-safe. */
    public static final class Builder {
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private int eventLoops = 1;
        private Executor handlerExecutor;
        private TlsConfig tls;
        private String origin;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private ProxyConfig proxy;
        private ReconnectPolicy reconnect;
        private Scheduler scheduler;
        private RandomGenerator random = new SplittableRandom();
        private long queueWhileReconnecting;

        private Builder() {}

        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        public Builder eventLoops(int n) {
            this.eventLoops = n;
            return this;
        }

        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = executor;
            return this;
        }

        /** TLS settings for {@code wss://} (default: the JDK trust store, hostname verification on). */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** Sends an {@code Origin} header (as a browser would). */
        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /** Adds a header to every upgrade request. */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder subprotocols(String... subprotocols) {
            this.config = config.toBuilder().subprotocols(subprotocols).build();
            return this;
        }

        public Builder extensions(List<ExtensionFactory> extensions) {
            this.config =
                    config.toBuilder().extensions(new ArrayList<>(extensions)).build();
            return this;
        }

        /** Connects through an HTTP CONNECT proxy (ws and wss). */
        public Builder proxy(ProxyConfig proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * Reconnects lost connections with this policy (opt-in). The {@link WebSocket} handed out
         * stays the same across reconnections.
         */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        /**
         * While reconnecting, queue up to {@code bytes} of messages and send them in order once
         * connected again; beyond it (and by default, 0) sends return DROPPED.
         */
        public Builder queueWhileReconnecting(long bytes) {
            this.queueWhileReconnecting = bytes;
            return this;
        }

        /** Times reconnection attempts (tests pass a manual scheduler). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** The jitter source (tests pass a seeded one). */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        public WebSocketClient build() {
            return new WebSocketClient(this);
        }
    }
}
