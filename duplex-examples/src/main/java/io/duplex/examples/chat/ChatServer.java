package io.duplex.examples.chat;

import io.duplex.Broker;
import io.duplex.History;
import io.duplex.InMemoryBroker;
import io.duplex.InMemoryStreamEngine;
import io.duplex.PresenceOptions;
import io.duplex.StreamEngine;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketServer;
import io.duplex.handshake.OriginPolicy;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The browser chat demo: rooms, nicknames, presence, history and typing indicators over one
 * WebSocket per page. What is said in a room is a stream of the server's ({@link
 * io.duplex.Streams}, topic {@code chat.<room>}): numbered, kept for {@code historySize} and
 * {@code historyTtl}, and replayed exactly to a page that reconnects with its last position ({@code /chat}, protocol in {@code docs/chat-protocol.md}), a live metrics
 * dashboard ({@code /metrics}, published every second), and the pages themselves ({@code /},
 * {@code /dashboard.html}) served from the classpath by the same server.
 *
 * <pre>{@code
 * ChatServer chat = ChatServer.start(ChatOptions.builder().port(8080).build());
 * // open http://localhost:8080/ in two browsers
 * chat.stop();
 * }</pre>
 *
 * <p>Limits: 4 KiB per message, 5 messages a second per connection (bursts of 10), texts of 1000
 * characters; browsers only from the page's own origin unless {@link ChatOptions#allowedOrigins}
 * says otherwise.
 *
 * <p>Threading: safe from any thread.
 */
public final class ChatServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChatServer.class.getName());
    /** The classpath folder of the pages. */
    static final String PAGES = "io/duplex/examples/chat/public";
    /** Largest inbound message: a 1000-character text is at most ~3 KB of UTF-8 plus its JSON. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private final WebSocketServer server;
    private final Metrics metrics;
    private final ScheduledExecutorService timer;
    private final ExecutorService handlers;
    private final Broker ownBroker;
    private final StreamEngine ownEngine;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ChatServer(ChatOptions options) {
        this.ownBroker = options.broker() == null ? new InMemoryBroker() : null;
        Broker broker = ownBroker != null ? ownBroker : options.broker();
        String instance = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        // The dashboard reads what the server counts through its metrics listener (ServerMetrics).
        ServerMetrics serverMetrics = new ServerMetrics();
        this.metrics = new Metrics(instance, options.clock().millis(), serverMetrics);
        // Our own engine forgets a room nobody listens to once its history has expired anyway, so
        // rooms created and left do not pile up in memory (see InMemoryStreamEngine).
        this.ownEngine =
                options.streamEngine() == null ? new InMemoryStreamEngine(options.clock(), options.historyTtl()) : null;
        StreamEngine engine = ownEngine != null ? ownEngine : options.streamEngine();
        ChatStreams streams = new ChatStreams(options.historySize());
        ChatPresence presence = new ChatPresence();
        Rooms rooms = new Rooms(broker, streams, presence, options.maxRooms());
        WebSocketConfig config = WebSocketConfig.DEFAULT.toBuilder()
                .maxMessageSize(MAX_MESSAGE_BYTES)
                .maxFrameSize(MAX_MESSAGE_BYTES)
                .originPolicy(originPolicy(options.allowedOrigins()))
                .build();
        // The handlers run on a small pool, not on the event loops, for ordering: off its loop,
        // InMemoryBroker.subscribe is queued behind the fan-out tasks already waiting on the
        // joiner's loop, so typing published just before a join does not reach the joiner after
        // it. (Chat lines and members need no such care: streams order them, and the page
        // replays member events on its list.) They never block, so two threads suffice.
        this.handlers = Executors.newFixedThreadPool(2, daemon("chat-handler"));
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host(options.host())
                .port(options.port())
                .config(config)
                .broker(broker)
                .streamEngine(engine)
                // Every room's stream subscribers are its members, shown by nick (ChatPresence).
                .presence(ChatCodec.topic("*"), PresenceOptions.enabled())
                .presenceIdentity(ChatPresence.identity())
                .handlerExecutor(handlers)
                .metrics(serverMetrics)
                .staticResources(PAGES)
                .route(
                        Metrics.CHAT_ROUTE,
                        new ChatHandler(rooms, streams, presence, metrics, options.clock(), options.historySize()))
                .route(Metrics.DASHBOARD_ROUTE, new DashboardHandler(metrics));
        if (options.historySize() > 0) {
            b.history(ChatCodec.topic("*"), History.of(options.historySize(), options.historyTtl()));
        }
        if (options.presenceEngine() != null) {
            b.presenceEngine(options.presenceEngine());
        }
        if (options.eventLoops() > 0) {
            b.eventLoops(options.eventLoops());
        }
        try {
            this.server = b.start();
        } catch (RuntimeException e) {
            handlers.shutdownNow();
            throw e;
        }
        streams.bind(server.streams());
        presence.bind(server.streams());
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("chat-metrics"));
        metrics.snapshot(rooms, options.clock().millis()); // before the timer: snapshots never overlap
        long period = Math.max(1, options.metricsInterval().toMillis());
        timer.scheduleAtFixedRate(() -> publishMetrics(rooms, options), period, period, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Binds, starts serving and starts the metrics timer. */
    public static ChatServer start(ChatOptions options) {
        return new ChatServer(options);
    }

    /** Same-origin always; the listed origins too. Requests without Origin (non-browsers) pass. */
    static OriginPolicy originPolicy(List<String> allowedOrigins) {
        OriginPolicy same = OriginPolicy.sameOrigin();
        if (allowedOrigins.isEmpty()) {
            return same;
        }
        OriginPolicy listed = OriginPolicy.allowList(allowedOrigins);
        return (origin, host) -> same.allows(origin, host) || listed.allows(origin, host);
    }

    private void publishMetrics(Rooms rooms, ChatOptions options) {
        try {
            server.publish(
                    Metrics.TOPIC, metrics.snapshot(rooms, options.clock().millis()));
        } catch (RuntimeException e) {
            // A failed tick must not cancel the timer (ScheduledExecutorService would).
            LOG.log(Level.WARNING, "metrics tick failed", e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The chat page's address on this machine. */
    public String url() {
        return "http://localhost:" + port() + "/";
    }

    /** Open chat connections (dashboards not counted). */
    public int connections() {
        return metrics.chatConnections();
    }

    /**
     * Stops: the metrics timer, then the server gracefully (1001 Going Away to every page, which
     * then reconnects by itself to whatever listens next), at most 2 s.
     */
    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        timer.shutdownNow();
        server.stop(Duration.ofSeconds(2));
        handlers.shutdown();
        if (ownBroker != null) {
            ownBroker.close();
        }
        if (ownEngine != null) {
            ownEngine.close();
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        stop();
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** {@code --port N} (8080), {@code --host H} (0.0.0.0), {@code --allow-origin O} (repeatable). */
    public static void main(String[] args) throws InterruptedException {
        ChatOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            usage(System.err, e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            usage(System.out, null);
            return;
        }
        ChatServer chat = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(chat::stop, "chat-shutdown"));
        System.out.println("Duplex chat on " + chat.url() + " (dashboard: " + chat.url() + "dashboard.html)");
        chat.awaitStop();
    }

    /** The options for {@code args}, or {@code null} for {@code --help}. */
    static ChatOptions parse(String[] args) {
        ChatOptions.Builder b = ChatOptions.builder();
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--port" -> {
                    try {
                        b.port(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs a number, not " + value);
                    }
                }
                case "--host" -> b.host(value);
                case "--allow-origin" -> origins.add(value);
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        return b.allowedOrigins(origins).build();
    }

    private static void usage(PrintStream out, String problem) {
        if (problem != null) {
            out.println(problem);
        }
        out.println("usage: ChatServer [--port 8080] [--host 0.0.0.0] [--allow-origin https://example.com]...");
    }
}
