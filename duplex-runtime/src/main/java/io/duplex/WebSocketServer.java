package io.duplex;

import io.duplex.handshake.HttpHeadParser;
import io.duplex.handshake.ServerHandshake;
import io.duplex.internal.Connection;
import io.duplex.internal.EventLoop;
import io.duplex.internal.EventLoopGroup;
import io.duplex.internal.LoopExtensions;
import io.duplex.internal.PlainTransport;
import io.duplex.internal.ServerUpgrade;
import io.duplex.internal.StaticFiles;
import io.duplex.internal.TlsTransport;
import io.duplex.internal.Transport;
import io.duplex.protocol.ProtocolConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>Threading: safe from any thread. Handlers run on the event loops unless a handler executor
 * is set.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());

    private final Builder config;
    /** The engine configuration of every connection (see {@link Connection#engineConfig}). */
    private final ProtocolConfig engineConfig;

    private final EventLoopGroup loops;
    private final ServerSocketChannel serverChannel;
    private final EventLoop acceptLoop;
    private final Map<EventLoop, ServerHandshake> handshakes = new java.util.IdentityHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Object drainLock = new Object();
    private volatile boolean stopping;

    private WebSocketServer(Builder b) throws IOException {
        this.config = b;
        this.engineConfig = Connection.engineConfig(b.config.protocol());
        this.loops = new EventLoopGroup("duplex-server", b.eventLoops, tickFor(b.config));
        for (EventLoop loop : loops.loops()) {
            handshakes.put(
                    loop,
                    ServerHandshake.builder()
                            .subprotocols(b.config.subprotocols())
                            .extensions(LoopExtensions.forLoop(b.config.extensions()))
                            .originPolicy(b.config.originPolicy())
                            .build());
        }
        this.serverChannel = ServerSocketChannel.open();
        try {
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(b.host, b.port), b.backlog);
            serverChannel.configureBlocking(false);
        } catch (IOException e) {
            serverChannel.close();
            loops.shutdown(Duration.ofSeconds(5));
            throw e;
        }
        this.acceptLoop = loops.next();
        CountDownLatch registered = new CountDownLatch(1);
        acceptLoop.execute(() -> {
            try {
                acceptLoop.register(serverChannel, SelectionKey.OP_ACCEPT, this::onAcceptable);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                registered.countDown();
            }
        });
        try {
            registered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deadlines are checked on a tick; a tenth of the shortest timeout keeps them accurate. */
    static Duration tickFor(WebSocketConfig c) {
        long shortest =
                Math.min(c.handshakeTimeout().toMillis(), c.closeTimeout().toMillis());
        shortest = Math.min(shortest, c.pongTimeout().toMillis());
        if (!c.pingInterval().isZero()) {
            shortest = Math.min(shortest, c.pingInterval().toMillis());
        }
        if (!c.idleTimeout().isZero()) {
            shortest = Math.min(shortest, c.idleTimeout().toMillis());
        }
        return Duration.ofMillis(Math.max(5, Math.min(250, shortest / 10)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        try {
            return ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) serverChannel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes to every subscriber of {@code topic}, encoded once. Returns the local count. */
    public int publish(String topic, PreparedMessage message) {
        return config.broker.publish(topic, message, null);
    }

    public int publish(String topic, CharSequence text) {
        return publish(topic, PreparedMessage.text(text));
    }

    /** Local subscribers of a topic. */
    public int subscriberCount(String topic) {
        return config.broker.subscriberCount(topic);
    }

    public Broker broker() {
        return config.broker;
    }

    /** Open connections (including those still in the handshake). */
    public int connectionCount() {
        return open.get();
    }

    private void onAcceptable(SelectionKey key) {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch;
            try {
                ch = serverChannel.accept();
            } catch (IOException e) {
                // EMFILE and the like: log and try again on the next readiness.
                LOG.log(Level.WARNING, "accept failed: {0}", e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            accepted(ch);
        }
    }

    private void accepted(SocketChannel ch) {
        InetAddress address;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            address = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        if (stopping) {
            refuse(ch, "server stopping");
            return;
        }
        int total = open.incrementAndGet();
        AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        int fromAddress = mine.incrementAndGet();
        int perLimit = config.config.maxConnectionsPerAddress();
        if (total > config.config.maxConnections() || (perLimit > 0 && fromAddress > perLimit)) {
            release(address);
            refuse(ch, "too many connections");
            return;
        }
        EventLoop loop = loops.next();
        loop.execute(() -> register(loop, ch, address));
    }

    /** Over a limit: 503 with Retry-After, written on a fresh socket whose buffer is empty. */
    private static void refuse(SocketChannel ch, String reason) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try {
            ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
            out.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
            ch.write(out);
        } catch (IOException e) {
            // best effort
        }
        closeQuietly(ch);
    }

    private void register(EventLoop loop, SocketChannel ch, InetAddress address) {
        if (stopping) {
            // Accepted just before stop() looked at the connections: it would miss the 1001.
            release(address);
            refuse(ch, "server stopping");
            return;
        }
        try {
            Transport transport;
            if (config.tls != null) {
                transport = TlsTransport.server(ch, config.tls.newEngine(null, 0, false));
            } else {
                transport = new PlainTransport(ch);
            }
            ServerUpgrade upgrade = new ServerUpgrade(
                    new HttpHeadParser(config.config.headLimits(), HttpHeadParser.Kind.REQUEST),
                    handshakes.get(loop),
                    this::route,
                    config.staticFiles,
                    config.handlerExecutor,
                    config.broker);
            Connection c = new Connection(loop, config.config, engineConfig, transport, upgrade, gone -> {
                connections.remove(gone);
                release(address);
                synchronized (drainLock) {
                    drainLock.notifyAll();
                }
            });
            connections.add(c);
            c.register(true, config.config.handshakeTimeout().toNanos());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not register a connection: {0}", e.toString());
            closeQuietly(ch);
            release(address);
        }
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private ServerUpgrade.Route route(String path) {
        ServerUpgrade.Route r = config.routes.get(path);
        return r != null ? r : config.routes.get("*");
    }

    /**
     * Stops gracefully: stop accepting, send 1001 Going Away to every connection, wait up to
     * {@code timeout} for the close handshakes, then abort the rest and end the loop threads.
     * Called from a handler on an event loop, it returns at once and stops in the background.
     */
    public void stop(Duration timeout) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (inOwnLoop()) {
            // Called from a handler: waiting here would block the very loop that must send the
            // close frames and end, so the work moves to another thread and this returns at once.
            Thread stopper = new Thread(() -> drainAndShutdown(timeout), "duplex-stop");
            stopper.start();
            return;
        }
        drainAndShutdown(timeout);
    }

    private boolean inOwnLoop() {
        for (EventLoop loop : loops.loops()) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return false;
    }

    private void drainAndShutdown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch closed = new CountDownLatch(1);
        acceptLoop.execute(() -> {
            closeQuietly(serverChannel);
            closed.countDown();
        });
        await(closed, deadline);
        for (Connection c : connections) {
            c.loop().execute(() -> c.goAway(1001, "server shutting down"));
        }
        awaitDrained(deadline);
        CountDownLatch aborted = new CountDownLatch(connections.size());
        for (Connection c : connections) {
            c.loop().execute(() -> {
                c.abort();
                aborted.countDown();
            });
        }
        await(aborted, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        loops.shutdown(Duration.ofSeconds(5));
    }

    private void awaitDrained(long deadline) {
        synchronized (drainLock) {
            long left;
            while (!connections.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void await(CountDownLatch latch, long deadline) {
        try {
            latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop(Duration)} with the close timeout. */
    @Override
    public void close() {
        stop(config.config.closeTimeout());
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing useful to do
        }
    }

    /** Builds and starts a {@link WebSocketServer}; not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int backlog = 1024;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private final Map<String, ServerUpgrade.Route> routes = new LinkedHashMap<>();
        private Upgrader upgrader = Upgrader.acceptAll();
        private Executor handlerExecutor;
        private TlsConfig tls;
        private StaticFiles staticFiles;
        private Broker broker = new InMemoryBroker();

        private Builder() {}

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

        /** Binds and starts serving. */
        public WebSocketServer start() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("no routes: add at least one with route(path, handler)");
            }
            routes.replaceAll((p, r) -> r.upgrader() != null ? r : new ServerUpgrade.Route(r.handler(), upgrader));
            try {
                return new WebSocketServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }
}
