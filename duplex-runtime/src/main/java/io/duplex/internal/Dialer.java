package io.duplex.internal;

import io.duplex.Scheduler;
import io.duplex.TlsConfig;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.extension.ExtensionFactory;
import io.duplex.handshake.ClientHandshake;
import io.duplex.handshake.HttpHeadParser;
import io.duplex.protocol.ProtocolConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A client's event loops and the opening of its connections: resolve the host (or the proxy), open
 * a non-blocking {@link SocketChannel}, stack the transports (plain or TLS, inside a
 * {@link ProxyTunnel} when a proxy is set), build the {@link ClientUpgrade} and register the
 * {@link Connection}, which it tracks until {@link #close()}. Everything it does is decided by the
 * {@link ClientSettings} it was built with.
 *
 * <p>Threading: safe from any thread; {@link #close()} blocks and must not run on its own loops.
 */
public final class Dialer {
    /** How long {@link #close()} waits for the close handshakes of its connections. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ClientSettings settings;
    /** Derived once for every connection of this client (see Connection#engineConfig). */
    private final ProtocolConfig engineConfig;

    private final EventLoopGroup loops;
    private final ConnectionSet connections = new ConnectionSet();
    /** Per-loop factories, so permessage-deflate codecs come from a pool owned by that loop. */
    private final Map<EventLoop, List<ExtensionFactory>> loopExtensions = new IdentityHashMap<>();

    public Dialer(ClientSettings settings) {
        this.settings = settings;
        this.engineConfig = Connection.engineConfig(settings.config().protocol());
        this.loops = new EventLoopGroup(
                "duplex-client",
                settings.eventLoops(),
                Duration.ofMillis(50),
                new OutboundBudget(settings.config().outboundBudget()));
        for (EventLoop loop : loops.loops()) {
            loopExtensions.put(loop, LoopExtensions.forLoop(settings.config().extensions()));
        }
    }

    /** Runs {@code task} after {@code delay} on one of the client's loops (reconnection timing). */
    public Scheduler.Cancellable schedule(Runnable task, Duration delay) {
        EventLoop.Cancellable c = loops.next().schedule(task, delay.toNanos());
        return c::cancel;
    }

    /**
     * Opens one connection to {@code uri}, adding {@code headers} after the client-wide ones (same
     * name: these win). Never throws: every failure completes the future exceptionally.
     */
    public CompletableFuture<WebSocket> dial(URI uri, WebSocketHandler handler, Map<String, String> headers) {
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
        // RFC 6455 §3: the default ports are 80 for ws and 443 for wss.
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost();
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        EventLoop loop = loops.next();
        ClientHandshake handshake;
        try {
            handshake = handshake(uri, loop, headers);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        // DNS may block: resolve off the event loop. Through a proxy, the proxy resolves the host.
        String connectHost = settings.proxy() != null ? settings.proxy().host() : bareHost;
        int connectPort = settings.proxy() != null ? settings.proxy().port() : port;
        CompletableFuture.supplyAsync(() -> resolve(connectHost))
                .thenAccept(address -> loop.execute(() -> open(
                        loop,
                        new InetSocketAddress(address, connectPort),
                        bareHost,
                        port,
                        secure,
                        handshake,
                        handler,
                        result)))
                .exceptionally(e -> {
                    result.completeExceptionally(e instanceof CompletionException ? e.getCause() : e);
                    return null;
                });
        return result;
    }

    private ClientHandshake handshake(URI uri, EventLoop loop, Map<String, String> headers) {
        ClientHandshake.Builder hb = ClientHandshake.builder(uri)
                .subprotocols(settings.config().subprotocols())
                .extensions(loopExtensions.get(loop));
        if (settings.origin() != null) {
            hb.origin(settings.origin());
        }
        Map<String, String> all = new LinkedHashMap<>(settings.headers());
        all.putAll(headers);
        all.forEach(hb::header);
        return hb.build();
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
        Connection c = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Transport transport;
            if (secure) {
                TlsConfig tls = settings.tls() != null ? settings.tls() : TlsConfig.client();
                transport = TlsTransport.client(ch, tls.newEngine(host, port, true));
            } else {
                transport = new PlainTransport(ch);
            }
            if (settings.proxy() != null) {
                // The tunnel speaks CONNECT (RFC 7231 §4.3.6, or SOCKS5's, RFC 1928 §4) first, then hands over to the
                // transport inside it: TLS runs end to end with the server, not with the proxy.
                transport = settings.proxy().type() == io.duplex.ProxyConfig.Type.SOCKS5
                        ? new Socks5Tunnel(transport, settings.proxy(), host, port)
                        : new ProxyTunnel(transport, settings.proxy(), host, port);
            }
            ClientUpgrade upgrade = new ClientUpgrade(
                    handshake,
                    new HttpHeadParser(settings.config().headLimits(), HttpHeadParser.Kind.RESPONSE),
                    handler,
                    settings.handlerExecutor(),
                    result);
            c = new Connection(loop, settings.config(), engineConfig, transport, upgrade, connections);
            c.metrics(settings.metrics());
            connections.add(c);
            boolean connected = ch.connect(address);
            // Until connected, the connect timeout; then the handshake timeout (Connection).
            c.register(
                    connected,
                    (connected
                                    ? settings.config().handshakeTimeout()
                                    : settings.config().connectTimeout())
                            .toNanos());
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.destroy(); // closes the socket and leaves the set
            } else if (ch != null) {
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
     * aborts the rest (their handlers see {@code onClose}), then stops the event loops.
     */
    public void close() {
        connections.drain(1001, "client closing", System.nanoTime() + CLOSE_WAIT_NANOS);
        loops.shutdown(Duration.ofSeconds(5));
    }
}
