package io.duplex;

import io.duplex.extension.ExtensionFactory;
import io.duplex.internal.ClientSettings;
import io.duplex.internal.Dialer;
import io.duplex.internal.ReconnectingWebSocket;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * <p>The builder is read once, by {@link Builder#build()}: changing it afterwards does not affect
 * the client. Dialing (DNS, sockets, proxy and TLS transports) and the tracking of connections live
 * in {@code io.duplex.internal.Dialer}; this class is its public face.
 *
 * <p>Threading: safe from any thread.
 */
public final class WebSocketClient implements AutoCloseable {
    private final ClientSettings settings;
    private final Dialer dialer;

    private WebSocketClient(ClientSettings settings) {
        this.settings = settings;
        this.dialer = new Dialer(settings);
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
        if (settings.reconnect() == null) {
            return dialer.dial(uri, handler, headers);
        }
        Scheduler scheduler = settings.scheduler() != null ? settings.scheduler() : dialer::schedule;
        return new ReconnectingWebSocket(
                        h -> dialer.dial(uri, h, headers),
                        handler,
                        settings.reconnect(),
                        scheduler,
                        settings.random(),
                        settings.queueWhileReconnecting())
                .start();
    }

    /**
     * Closes every connection with 1001 Going Away, waits up to 2 s for the close handshakes,
     * aborts the rest (their handlers see {@code onClose}), then stops the client's event loops.
     */
    @Override
    public void close() {
        dialer.close();
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
        private MetricsListener metrics;

        /**
         * Tells {@code listener} about this client's connections, messages, bytes and drops,
         * under the route template {@code "client"} (see {@link MetricsListener}; default: none).
         */
        public Builder metrics(MetricsListener listener) {
            this.metrics = listener;
            return this;
        }

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

        /** Connects through an HTTP CONNECT or a SOCKS5 proxy (ws and wss). */
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

        /**
         * Builds a client with the builder's current settings, which are copied: later changes to
         * this builder (headers, TLS, proxy...) do not reach it (but may build another).
         */
        public WebSocketClient build() {
            return new WebSocketClient(new ClientSettings(
                    config,
                    eventLoops,
                    handlerExecutor,
                    tls,
                    origin,
                    headers,
                    proxy,
                    reconnect,
                    scheduler,
                    random,
                    queueWhileReconnecting,
                    metrics == null ? null : Objects.requireNonNull(metrics.route("client"))));
        }
    }
}
