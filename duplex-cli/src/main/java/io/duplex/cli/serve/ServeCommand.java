package io.duplex.cli.serve;

import io.duplex.Broker;
import io.duplex.HandshakeRateLimit;
import io.duplex.History;
import io.duplex.PresenceEngine;
import io.duplex.StreamEngine;
import io.duplex.TlsConfig;
import io.duplex.TrustedProxies;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.ShutdownHook;
import io.duplex.cli.Urls;
import io.duplex.cli.Usage;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.ByteSize;
import io.duplex.cli.options.FragmentOptions;
import io.duplex.cli.options.HistoryOption;
import io.duplex.cli.options.ListenOptions;
import io.duplex.cli.options.MaxMessageOption;
import io.duplex.cli.options.MessageTimeoutOption;
import io.duplex.cli.options.PresenceOption;
import io.duplex.cli.options.RedisOption;
import io.duplex.deflate.ContextTakeoverBudget;
import io.duplex.deflate.DeflateConfig;
import io.duplex.handshake.OriginPolicy;
import io.duplex.protocol.ProtocolConfig;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisStreamEngine;
import io.duplex.socketio.SocketIoServer;
import io.duplex.topics.TopicsHandler;
import io.duplex.topics.client.TopicsClientScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duplex serve}: a WebSocket server on any path — an echo server with {@code --echo}, a
 * broadcast group on {@code /bcast} (the benchmark peers' convention), static pages with {@code
 * --static}, {@code wss://} with a PEM certificate and key. Runs until SIGINT/SIGTERM, then stops
 * gracefully (1001 to every connection, at most 5 s).
 *
 * <p>Threading: {@link #call()} blocks its thread until {@link #stop()} or the shutdown hook;
 * {@link #started()} and {@link #stop()} are safe from any thread. One instance serves once.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs a WebSocket server until interrupted (Ctrl-C, SIGTERM).",
            "",
            "Every path is a WebSocket endpoint. With --echo each message comes back",
            "unchanged (same type, same bytes); without it messages are discarded.",
            "On /bcast every message goes to all connections open on /bcast, the sender",
            "included. With --topics every other path speaks the topics protocol.",
            "One line per connection opened and closed goes to stderr.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve --port 9001 --echo",
            "  duplex serve --port 0 --echo --quiet --max-message 64m",
            "  duplex serve --port 8443 --echo --tls-cert cert.pem --tls-key key.pem",
            "  duplex serve --echo --static ./public --origin https://app.example.com",
            "  duplex serve --echo --metrics 9102",
            "  duplex serve --topics --history 'chat.*=1000/10m' --history news=100",
            "  duplex serve --topics --presence 'room.*'",
            "  duplex serve --echo --drain 10s --proxy-protocol-from 10.0.0.0/8 --handshake-rate-per-address 5:20"
        })
public final class ServeCommand implements Callable<Integer> {
    /** How long a graceful stop waits for close handshakes before aborting the rest. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    ListenOptions listen = new ListenOptions();

    @Mixin
    MaxMessageOption maxMessage = new MaxMessageOption();

    @Mixin
    RedisOption redis = new RedisOption();

    @Mixin
    FragmentOptions fragments = new FragmentOptions();

    @Mixin
    MessageTimeoutOption messageTimeout = new MessageTimeoutOption();

    @Option(names = "--echo", description = "Send every message back unchanged (text as text, binary as binary).")
    boolean echo;

    @Option(
            names = "--max-frame",
            paramLabel = "SIZE",
            converter = ByteSize.Converter.class,
            description = "Largest frame accepted (default: --max-message if given, else 1m).")
    Long maxFrame;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "PEM certificate chain: serve wss:// (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) for --tls-cert.")
    Path tlsKey;

    @Option(names = "--static", paramLabel = "DIR", description = "Answer plain HTTP GETs with files from DIR.")
    Path staticDir;

    @Option(
            names = "--origin",
            paramLabel = "ORIGIN",
            description = {
                "Allow browsers from this origin, e.g. https://app.example.com (repeatable).",
                "Default: same-origin only; '*' allows any. Clients without Origin are always allowed."
            })
    List<String> origins = new ArrayList<>();

    @Option(
            names = "--broadcast",
            description = "Send every message to every client (on any path), the sender included.")
    boolean broadcast;

    @Option(
            names = "--topics",
            description = {
                "Streams over the JSON topics protocol (docs/topics-protocol.md, subprotocol",
                "duplex.topics.v1) on /topics and every other path but /bcast: subscribe, publish,",
                "history, resume from a position. With --redis, kept in Redis Streams for every node.",
                "The browser client is served as /topics.js (unless --static is given)."
            })
    boolean topics;

    @Option(
            names = "--history",
            paramLabel = "PATTERN=SIZE[/TTL]",
            converter = HistoryOption.Converter.class,
            description = {
                "With --topics: topics named PATTERN (a name, or a prefix ending in *) keep their",
                "newest SIZE publications for at most TTL (s, m, h, d; default 1h). Repeatable;",
                "the longest matching pattern wins; other topics keep none."
            })
    List<HistoryOption> histories = new ArrayList<>();

    @Option(
            names = "--presence",
            paramLabel = "PATTERN",
            converter = PresenceOption.Converter.class,
            description = {
                "With --topics: topics named PATTERN (a name, or a prefix ending in *) have presence",
                "with join and leave events: their subscribers are members, listed by the presence",
                "request. Repeatable. Every connection is anonymous (a user of its own). With --redis,",
                "members are kept in Redis for every node (a crashed node's leave within 30 s)."
            })
    List<PresenceOption> presences = new ArrayList<>();

    @Option(
            names = "--socketio",
            description = {
                "A Socket.IO v4 echo server on /socket.io/ (polling and WebSocket): every event",
                "comes back to its sender with the same arguments; an event sent with an ack is",
                "answered by the ack with the same arguments instead."
            })
    boolean socketio;

    /** The --socketio server, closed after the WebSocket server stops. */
    private SocketIoServer socketIoServer;

    /** The --topics handler, bound to the server once it has started. */
    private TopicsHandler topicsHandler;

    @Option(
            names = "--bcast-history",
            paramLabel = "SIZE",
            description = {
                "Run /bcast on a stream topic that keeps SIZE publications (0: positions only)",
                "instead of plain publish/subscribe; members get the bare payloads. Measures what",
                "positions and history cost (benchmark cell e)."
            })
    Integer bcastHistory;

    /** The started server, for handlers that need its streams. */
    private volatile WebSocketServer running;

    /**
     * What {@link #configure()} connected to Redis: closed once the server stopped (or failed to
     * start), so a serve run in-process (tests, embedding) leaves no Lettuce thread reconnecting
     * behind it; the real process reaches the same code through its shutdown hook.
     */
    private final List<AutoCloseable> redisClients = new ArrayList<>();

    @Option(
            names = "--compress",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Negotiate permessage-deflate (RFC 7692) when clients offer it (default: on).")
    boolean compress;

    @Option(
            names = "--context-takeover",
            paramLabel = "MAX",
            arity = "0..1",
            fallbackValue = "-1",
            description = {
                "Allow compression context takeover (RFC 7692 §7.1.1), for at most MAX connections",
                "at a time (default: none; without MAX: no limit). Each costs ~115 KiB of native",
                "memory for its life; beyond MAX, connections negotiate without it."
            })
    Integer contextTakeover;

    @Option(
            names = "--drain",
            paramLabel = "DURATION",
            description = {
                "On SIGTERM/SIGINT, drain before stopping (docs/operations.md): answer new",
                "connections 503, close open ones with 1012 and a reconnect hint in waves spread",
                "over DURATION (e.g. 10s, 500ms, 2m). Default: stop at once with 1001."
            })
    String drain;

    @Option(
            names = "--handshake-rate",
            paramLabel = "N[:BURST]",
            description =
                    "Server-wide handshakes per second (token bucket, burst BURST, default N); 503 + Retry-After beyond.")
    String handshakeRate;

    @Option(
            names = "--handshake-rate-per-address",
            paramLabel = "N[:BURST]",
            description = "Handshakes per second per client address (IPv6: per /64); 429 + Retry-After beyond.")
    String handshakeRatePerAddress;

    @Option(
            names = "--max-connections-per-address",
            paramLabel = "N",
            description = "Most connections per client address (IPv6: per /64); 503 beyond. Default: no limit.")
    int maxConnectionsPerAddress;

    @Option(
            names = "--trusted-proxy",
            paramLabel = "CIDR",
            description = "Believe Forwarded / X-Forwarded-For from these peers (repeatable; e.g. 10.0.0.0/8).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(
            names = "--proxy-protocol-from",
            paramLabel = "CIDR",
            description = "Expect a PROXY protocol v1/v2 header from these load balancers (repeatable).")
    List<String> proxyProtocolFrom = new ArrayList<>();

    @Option(names = "--event-loops", paramLabel = "N", description = "Event loop threads (default: one per CPU).")
    Integer eventLoops;

    @Option(
            names = "--metrics",
            paramLabel = "PORT",
            description = {
                "Serve Prometheus metrics on http://HOST:PORT/metrics (HOST from --host; 0: a free",
                "port): connections, handshakes, closes, messages, bytes, drops, publishes, ping",
                "round trips by route, and the Redis broker's relay counters with --redis."
            })
    Integer metricsPort;

    /** The --metrics endpoint, closed after the server stops. */
    private volatile MetricsEndpoint metricsEndpoint;

    @Option(
            names = {"-q", "--quiet"},
            description = "Do not log connections opened and closed.")
    boolean quiet;

    private final Console console;
    private final boolean shutdownHook;
    private final CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param shutdownHook whether SIGINT/SIGTERM stop the server gracefully (the real process)
     */
    public ServeCommand(Console console, boolean shutdownHook) {
        this.console = console;
        this.shutdownHook = shutdownHook;
    }

    /** Completes with the running server once it listens; fails if it could not start. */
    public CompletableFuture<WebSocketServer> started() {
        return started;
    }

    /** Asks {@link #call()} to stop the server gracefully and return. */
    public void stop() {
        stopRequested.countDown();
    }

    @Override
    public Integer call() {
        WebSocketServer.Builder builder;
        try {
            builder = configure();
        } catch (RuntimeException e) {
            closeRedisClients();
            started.completeExceptionally(e);
            throw e;
        }
        WebSocketServer server;
        try {
            if (metricsPort != null) {
                metricsEndpoint = MetricsEndpoint.start(listen.host(), metricsPort);
                builder.metrics(metricsEndpoint.metrics());
            }
            server = builder.start();
            running = server;
        } catch (IOException e) {
            closeRedisClients();
            started.completeExceptionally(e);
            console.err().println("duplex: cannot listen for --metrics on port " + metricsPort + ": " + e.getMessage());
            return ExitCode.FAILURE;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            closeMetrics();
            closeRedisClients();
            started.completeExceptionally(e);
            console.err().println("duplex: " + e.getMessage());
            return ExitCode.FAILURE;
        }
        ShutdownHook hook = ShutdownHook.install(shutdownHook, "duplex-shutdown", this::stopAndWait);
        String scheme = tlsCert != null ? "wss" : "ws";
        console.err().println("listening on " + scheme + "://" + Urls.hostForUrl(listen.host()) + ":" + server.port());
        if (staticDir != null) {
            console.err().println("serving files from " + staticDir + " on the same port");
        }
        // The benchmark harness (bench/run-peers.sh) waits for a line starting with READY.
        console.out()
                .println("READY duplex port=" + server.port() + " java=" + System.getProperty("java.version") + " cpus="
                        + Runtime.getRuntime().availableProcessors());
        if (topicsHandler != null) {
            topicsHandler.bind(server);
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.bind(server);
            console.err()
                    .println("metrics on http://" + Urls.hostForUrl(listen.host()) + ":" + metricsEndpoint.port()
                            + "/metrics");
        }
        started.complete(server);
        awaitStopRequest();
        try {
            Duration over = drainDuration();
            if (over != null) {
                if (!quiet) {
                    console.err().println("draining over " + over.toMillis() + " ms");
                }
                try {
                    server.drain(over).get(drainWait(over).toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    console.err().println("duplex: drain did not complete: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            server.stop(STOP_TIMEOUT);
            if (socketIoServer != null) {
                socketIoServer.close();
            }
            closeMetrics();
            closeRedisClients();
            if (!quiet) {
                console.err().println("stopped");
            }
        } finally {
            // After this the shutdown hook returns and the JVM may halt at once: print first.
            stopped.countDown();
        }
        hook.close();
        return ExitCode.OK;
    }

    /** The port the --metrics endpoint listens on, or -1 without one; once {@link #started()}. */
    public int metricsPort() {
        MetricsEndpoint m = metricsEndpoint;
        return m == null ? -1 : m.port();
    }

    private void closeMetrics() {
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }

    /** Closes the Redis broker and engines, if any: after the server, which uses them. */
    private void closeRedisClients() {
        for (AutoCloseable c : redisClients) {
            try {
                c.close();
            } catch (Exception e) {
                console.err().println("duplex: closing the Redis connection failed: " + e);
            }
        }
        redisClients.clear();
    }

    /**
     * The shutdown hook: wake {@link #call()} and let it stop the server before the JVM halts. A
     * stop that completed is a success, so the process exits 0 as {@code --help} says, not the
     * 143 (128 + SIGTERM) the JVM gives a signalled exit; one that did not complete in time keeps
     * the signal's status.
     */
    private void stopAndWait() {
        stopRequested.countDown();
        boolean clean = false;
        try {
            Duration over = drainDuration();
            long drainSeconds = over == null ? 0 : drainWait(over).toSeconds();
            clean = stopped.await(STOP_TIMEOUT.toSeconds() + drainSeconds + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (clean) {
            console.out().flush();
            console.err().flush();
            Runtime.getRuntime().halt(ExitCode.OK);
        }
    }

    private void awaitStopRequest() {
        while (true) {
            try {
                stopRequested.await();
                return;
            } catch (InterruptedException e) {
                // A stray interrupt must not skip the graceful stop.
                Thread.interrupted();
            }
        }
    }

    /** Validates the options (each mistake a usage error, exit 2) and builds the server. */
    WebSocketServer.Builder configure() {
        int port = listen.port();
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw usage("--metrics must be a port 0..65535: " + metricsPort);
        }
        if (eventLoops != null && eventLoops < 1) {
            throw usage("--event-loops must be at least 1: " + eventLoops);
        }
        if (staticDir != null && !Files.isDirectory(staticDir)) {
            throw usage("--static: not a directory: " + staticDir);
        }
        if (echo && (broadcast || topics) || (broadcast && topics)) {
            throw usage("choose one of --echo, --broadcast and --topics");
        }
        if (socketio && topics) {
            throw usage("choose one of --socketio and --topics");
        }
        if (!histories.isEmpty() && !topics) {
            throw usage("--history needs --topics");
        }
        if (!presences.isEmpty() && !topics) {
            throw usage("--presence needs --topics");
        }
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host(listen.host())
                .port(port)
                .config(config())
                .route("/bcast", logged(bcastHandler()));
        if (bcastHistory != null) {
            if (bcastHistory < 0 || bcastHistory > History.MAX_SIZE) {
                throw usage("--bcast-history must be 0.." + History.MAX_SIZE + ": " + bcastHistory);
            }
            if (bcastHistory > 0) {
                b.history(StreamBroadcastHandler.TOPIC, History.of(bcastHistory, Duration.ofMinutes(10)));
            }
        }
        if (topics) {
            // One handler for /topics and every other path (the old --topics served any path).
            topicsHandler = TopicsHandler.builder().build();
            WebSocketHandler logged = logged(topicsHandler);
            b.route("/topics", logged, TopicsHandler.upgrader()).route("*", logged, TopicsHandler.upgrader());
            for (HistoryOption h : histories) {
                b.history(h.pattern(), h.history());
            }
            // The server's default identity is kept: anonymous, the CLI authenticates no one.
            for (PresenceOption p : presences) {
                b.presence(p.pattern(), p.options());
            }
        } else {
            b.route("*", logged(mainHandler()));
        }
        if (socketio) {
            socketIoServer = SocketIoEcho.server();
            socketIoServer.attach(b);
        }
        if (redis.uri() != null) {
            b.broker(redisBroker());
            if (topics || bcastHistory != null) {
                b.streamEngine(redisStreams());
            }
            if (!presences.isEmpty()) {
                b.presenceEngine(redisPresence());
            }
        }
        if (eventLoops != null) {
            b.eventLoops(eventLoops);
        }
        if (staticDir != null) {
            b.staticFiles(staticDir);
        } else if (topics) {
            // The browser client, so a page can `import { connect } from "/topics.js"`.
            b.staticResources(TopicsClientScript.FOLDER);
        }
        TlsConfig tls = tls();
        if (tls != null) {
            b.tls(tls);
        }
        return b;
    }

    private WebSocketHandler bcastHandler() {
        return bcastHistory == null ? new BroadcastHandler() : new StreamBroadcastHandler(() -> running.streams());
    }

    private WebSocketHandler mainHandler() {
        if (broadcast) {
            return new BroadcastHandler("*");
        }
        return echo ? WebSocketHandler.echo() : new WebSocketHandler() {};
    }

    /** Positions and history in Redis Streams, shared by every node on the same Redis. */
    private StreamEngine redisStreams() {
        try {
            RedisStreamEngine engine = redis.connectStreams();
            redisClients.add(engine);
            return engine;
        } catch (IllegalArgumentException e) {
            throw usage("--redis: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at --redis: " + e.getMessage(), e);
        }
    }

    /** Members in Redis, shared by every node; a crashed node's members leave within 30 s. */
    private PresenceEngine redisPresence() {
        try {
            RedisPresenceEngine engine = redis.connectPresence();
            redisClients.add(engine);
            return engine;
        } catch (IllegalArgumentException e) {
            throw usage("--redis: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at --redis: " + e.getMessage(), e);
        }
    }

    private Broker redisBroker() {
        try {
            RedisBroker broker = redis.connect();
            redisClients.add(broker);
            return broker;
        } catch (IllegalArgumentException e) {
            throw usage("--redis: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at --redis: " + e.getMessage(), e);
        }
    }

    private WebSocketHandler logged(WebSocketHandler handler) {
        return quiet ? handler : new LoggingHandler(handler, console.err());
    }

    /** The --drain duration, or null without the option (checked in {@link #config()}). */
    Duration drainDuration() {
        return drain == null ? null : duration("--drain", drain);
    }

    /** The longest a drain over {@code over} may take: the waves, then the close handshakes. */
    private static Duration drainWait(Duration over) {
        return over.plus(WebSocketConfig.DEFAULT.closeTimeout()).plusSeconds(5);
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}: a duration of at most a day. */
    private Duration duration(String option, String text) {
        String t = text.trim();
        int unit = t.length();
        while (unit > 0 && !Character.isDigit(t.charAt(unit - 1))) {
            unit--;
        }
        String number = t.substring(0, unit);
        String suffix = t.substring(unit);
        if (number.isEmpty() || number.length() > 9 || !number.chars().allMatch(Character::isDigit)) {
            throw usage(option + ": not a duration (e.g. 500ms, 10s, 2m): " + text);
        }
        long n = Long.parseLong(number);
        Duration d =
                switch (suffix) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s", "" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> throw usage(option + ": unknown unit '" + suffix + "' (ms, s, m)");
                };
        if (d.compareTo(Duration.ofDays(1)) > 0) {
            throw usage(option + ": at most a day");
        }
        return d;
    }

    /** {@code N} or {@code N:BURST}: a handshake token bucket. */
    private HandshakeRateLimit rate(String option, String text) {
        if (text == null) {
            return HandshakeRateLimit.OFF;
        }
        try {
            int colon = text.indexOf(':');
            double perSecond = Double.parseDouble(colon < 0 ? text : text.substring(0, colon));
            if (!(perSecond > 0)) {
                throw usage(option + " must be positive: " + text);
            }
            return colon < 0
                    ? HandshakeRateLimit.of(perSecond)
                    : new HandshakeRateLimit(perSecond, Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw usage(option + ": expected N or N:BURST, e.g. 50 or 50:200: " + text);
        }
    }

    private TrustedProxies trustedProxies() {
        try {
            return TrustedProxies.NONE
                    .withForwardingFrom(trustedProxies.toArray(String[]::new))
                    .withProxyProtocolFrom(proxyProtocolFrom.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw usage("--trusted-proxy/--proxy-protocol-from: " + e.getMessage());
        }
    }

    WebSocketConfig config() {
        long message = maxMessage.bytes();
        long frame = maxFrame != null ? maxFrame : message;
        try {
            ProtocolConfig protocol = fragments.applyTo(ProtocolConfig.DEFAULT.toBuilder()
                    .maxMessageSize(message)
                    .maxFrameSize(frame)
                    .build());
            DeflateConfig deflate = deflate();
            WebSocketConfig.Builder b = WebSocketConfig.builder()
                    .protocol(protocol)
                    .messageTimeout(messageTimeout.timeout())
                    // An echoed or broadcast message of the largest size must fit the send queue.
                    .outboundLimit(Math.max(ProtocolConfig.DEFAULT_MAX_SIZE, 4 * message))
                    .originPolicy(originPolicy())
                    .trustedProxies(trustedProxies())
                    .handshakeRate(rate("--handshake-rate", handshakeRate))
                    .handshakeRatePerAddress(rate("--handshake-rate-per-address", handshakeRatePerAddress))
                    .maxConnectionsPerAddress(maxConnectionsPerAddress)
                    .compression(false);
            drainDuration();
            return (deflate != null ? b.compression(deflate) : b).build();
        } catch (IllegalArgumentException e) {
            throw usage("--max-message/--max-frame/--max-fragments/--min-fragment-size: " + e.getMessage());
        }
    }

    /** Compression as configured, or null when off. */
    private DeflateConfig deflate() {
        if (contextTakeover != null && !compress) {
            throw usage("--context-takeover needs compression (drop --no-compress)");
        }
        if (contextTakeover != null && contextTakeover < -1) {
            throw usage("--context-takeover must be at least 0 connections: " + contextTakeover);
        }
        if (!compress) {
            return null;
        }
        DeflateConfig.Builder b = DeflateConfig.builder();
        if (contextTakeover != null) {
            b.contextTakeover(true)
                    .budget(
                            contextTakeover == -1
                                    ? ContextTakeoverBudget.unlimited()
                                    : ContextTakeoverBudget.limit(contextTakeover));
        }
        return b.build();
    }

    private OriginPolicy originPolicy() {
        if (origins.isEmpty()) {
            return OriginPolicy.sameOrigin();
        }
        if (origins.contains("*")) {
            return OriginPolicy.any();
        }
        return OriginPolicy.allowList(origins);
    }

    private TlsConfig tls() {
        if (tlsCert == null && tlsKey == null) {
            return null;
        }
        if (tlsCert == null || tlsKey == null) {
            throw usage("--tls-cert and --tls-key go together");
        }
        for (Path p : List.of(tlsCert, tlsKey)) {
            if (!Files.isReadable(p)) {
                throw usage("cannot read " + p);
            }
        }
        try {
            return TlsConfig.pem(tlsCert, tlsKey);
        } catch (IOException | RuntimeException e) {
            throw usage("cannot load the TLS certificate and key: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return Usage.error(spec, message);
    }
}
