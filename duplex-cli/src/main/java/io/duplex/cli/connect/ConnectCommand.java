package io.duplex.cli.connect;

import io.duplex.ProxyConfig;
import io.duplex.ReconnectPolicy;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.cli.ConnectFailure;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.ShutdownHook;
import io.duplex.cli.Style;
import io.duplex.cli.Urls;
import io.duplex.cli.Usage;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.DeflateOfferOptions;
import io.duplex.cli.options.FragmentOptions;
import io.duplex.cli.options.HeaderOptions;
import io.duplex.cli.options.InsecureOption;
import io.duplex.cli.options.MaxMessageOption;
import io.duplex.cli.options.MessageTimeoutOption;
import io.duplex.cli.options.OfferCompressionOption;
import io.duplex.cli.options.Seconds;
import io.duplex.cli.options.TimeoutOption;
import io.duplex.protocol.ProtocolConfig;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code duplex connect URL}: a WebSocket client for people and for pipes.
 *
 * <ul>
 *   <li>Interactive (stdin and stdout are a terminal): a {@code > } prompt, each line sent as a
 *       text message, messages received shown after {@code < }, commands for ping, binary and
 *       close ({@link InteractiveInput}); colours unless {@code NO_COLOR} is set.
 *   <li>Piped: each line of stdin is sent as a text message and each message received is printed
 *       on its own line (binary as hex); at the end of stdin it closes with 1000 and waits
 *       (bounded) for the server's answer.
 *   <li>Scripted ({@code -x}, {@code --wait}, {@code --wait-seconds}): sends the {@code -x}
 *       messages (without {@code -x}, in a pipe: the lines of stdin as they come, its end not
 *       closing the connection), waits for N messages or S seconds, closes with 1000 and exits.
 *   <li>Echo ({@code --echo}): sends every message back unchanged until the server closes.
 * </ul>
 *
 * <p>No JLine: arrow-key history would need the terminal in raw mode (JLine and its native
 * terminal providers, about 1 MB more in the fat jar, and a second line editor to keep working on
 * every platform) for a convenience {@code rlwrap duplex connect URL} gives for free. The prompt
 * keeps an in-memory history for {@code !!}, {@code !N} and {@code /history} instead.
 *
 * <p>Compression is off unless {@code --compress} (the library's default is on): a debugging
 * client should put on the wire what was typed, readable by {@code duplex inspect} and tcpdump.
 *
 * <p>Exit status: 0 after a close handshake with 1000 or 1001 (or with the code this side chose);
 * 1 when the connection fails (bad host, refused, TLS, rejected handshake with its HTTP status,
 * timeout), ends otherwise, or {@code --wait N} saw fewer messages in time; 2 for a usage error.
 *
 * <p>Threading: {@link #call()} blocks until the session ends; stdin is read on its own daemon
 * thread and messages are handled on the client's event loop.
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connects to a WebSocket server: interactively at a terminal, or as a pipe.",
            "",
            "At a terminal: a '> ' prompt; each line typed is sent as a text message,",
            "messages received are shown after '< ' (/help lists the commands: /ping,",
            "/binary, /close, /history, !!). Colours unless NO_COLOR is set. For arrow-key",
            "line editing run it under rlwrap.",
            "",
            "In a pipe: each line of stdin is sent as a text message; each message",
            "received is printed on its own line (binary as hex). At the end of stdin it",
            "closes with 1000 and waits for the server's close.",
            "",
            "With -x it sends those messages instead of reading stdin, then waits for",
            "--wait N messages and/or --wait-seconds S, closes and exits: for scripts.",
            "Without -x, in a pipe, --wait/--wait-seconds keep the connection open after",
            "stdin ends, so answers that come later are still printed.",
            "With --echo it sends every message back unchanged until the server closes.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex connect ws://localhost:9001/                 # interactive at a terminal",
            "  echo hello | duplex connect ws://localhost:9001/",
            "  duplex connect -x '{\"op\":\"sub\"}' --wait 1 ws://localhost:9001/feed",
            "  duplex connect --wait-seconds 10 --show-control ws://localhost:9001/",
            "  duplex connect -H 'Authorization: Bearer t0ken' wss://example.com/ws",
            "  duplex connect --proxy http://user:pw@proxy:3128 --reconnect wss://example.com/ws",
            "  duplex connect --echo ws://localhost:9001/test",
            "  duplex connect --insecure wss://localhost:8443/    # self-signed, unsafe"
        })
public final class ConnectCommand implements Callable<Integer> {
    /** Time the server has to answer our close (RFC 6455 §7.1.2) before we give up. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Stop reading stdin while this many bytes wait to be written (pipes faster than the network). */
    static final long SEND_WINDOW = 1 << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws:// or wss:// URL, e.g. ws://localhost:9001/chat")
    String url;

    @Mixin
    HeaderOptions headers = new HeaderOptions();

    @Option(
            names = "--subprotocol",
            paramLabel = "NAME",
            description = "Offer a subprotocol (repeatable, preferred first).")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "Send an Origin header, as a browser would.")
    String origin;

    @Mixin
    InsecureOption insecure = new InsecureOption();

    @Mixin
    TimeoutOption connectTimeout = new TimeoutOption();

    @Option(names = "--echo", description = "Send every message received back unchanged; ignore stdin.")
    boolean echo;

    @Option(
            names = "--binary",
            paramLabel = "FORMAT",
            defaultValue = "hex",
            description = "How to print binary messages: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    BinaryFormat binaryFormat;

    @Mixin
    MaxMessageOption maxMessage = new MaxMessageOption();

    @Mixin
    OfferCompressionOption compression = new OfferCompressionOption();

    @Mixin
    DeflateOfferOptions deflateOffer = new DeflateOfferOptions();

    @Mixin
    FragmentOptions fragments = new FragmentOptions();

    @Mixin
    MessageTimeoutOption messageTimeout = new MessageTimeoutOption();

    @Option(
            names = "--ping-interval",
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            defaultValue = "30",
            description = {
                "Send a keepalive Ping this often; no Pong within 30 s fails the",
                "connection (1011). 0 turns keepalive off (default: ${DEFAULT-VALUE})."
            })
    double pingIntervalSeconds;

    @Option(
            names = "--proxy",
            paramLabel = "URL",
            description = {
                "Connect through a proxy: http://[user:password@]host:port (HTTP CONNECT) or",
                "socks5://[user:password@]host:port (SOCKS5). Without it: HTTPS_PROXY (wss) or",
                "HTTP_PROXY (ws), then ALL_PROXY, unless NO_PROXY lists the host; then the JVM's",
                "ProxySelector (-Dhttps.proxyHost, -DsocksProxyHost, -Djava.net.useSystemProxies)."
            })
    String proxy;

    @Option(
            names = "--no-proxy",
            description = "Connect directly: ignore the environment and the JVM's proxy settings.")
    boolean noProxy;

    /** The environment proxies are taken from; the process's unless {@link #environment(Map)}. */
    private Map<String, String> environment = System.getenv();

    @Option(
            names = "--reconnect",
            description = {
                "Reconnect when the connection is lost (backoff 0.5 s doubling to 30 s, with",
                "jitter; 1001, 1006, 1011-1014 and 5xx are retried). Lines typed meanwhile",
                "are queued (up to 1 MiB). The first connection is retried too, until --timeout."
            })
    boolean reconnect;

    @Option(
            names = "--show-control",
            description = "Show Pings and Pongs received and the close code and reason (on stderr in a pipe).")
    boolean showControl;

    @Option(
            names = {"-x", "--execute"},
            paramLabel = "MESSAGE",
            description = "Send this text message instead of reading stdin (repeatable, in order); then wait and exit.")
    List<String> execute = new ArrayList<>();

    @Option(
            names = "--wait",
            paramLabel = "N",
            description =
                    "Exit once N messages have arrived (1 if they do not arrive within --wait-seconds, default 10).")
    Integer waitMessages;

    @Option(
            names = "--wait-seconds",
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            description =
                    "Wait at most this long for messages (e.g. 10, 500ms, 2m), then close and exit (0 if --wait is not given).")
    Double waitSeconds;

    private final Console console;
    private final boolean shutdownHook;

    public ConnectCommand(Console console) {
        this(console, false);
    }

    /**
     * @param shutdownHook whether SIGINT/SIGTERM (Ctrl-C) close the connection with 1001 before the
     *     process exits (the real process)
     */
    public ConnectCommand(Console console, boolean shutdownHook) {
        this.console = console;
        this.shutdownHook = shutdownHook;
    }

    @Override
    public Integer call() {
        URI uri = Urls.parseWebSocketUrl(url, spec);
        Duration timeout = connectTimeout.timeout();
        Usage.seconds(spec, "--ping-interval", pingIntervalSeconds, true);
        boolean scripted = !execute.isEmpty() || waitMessages != null || waitSeconds != null;
        if (echo && scripted) {
            throw usage("--echo cannot be combined with -x, --wait or --wait-seconds");
        }
        if (waitMessages != null && waitMessages < 0) {
            throw usage("--wait must be at least 0: " + waitMessages);
        }
        if (waitSeconds != null && (!(waitSeconds > 0) || waitSeconds > 86_400)) {
            throw usage("--wait-seconds must be between 0 and 86400: " + waitSeconds);
        }
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        Map<String, String> requestHeaders = headerMap();
        boolean interactive = console.terminal() && !echo && !scripted;
        TerminalView terminal = interactive ? new TerminalView(console.out(), new Style(console.color())) : null;
        ClientSession.View view =
                terminal != null ? terminal : new ClientSession.PipeView(console.out(), console.err());
        ClientSession session = new ClientSession(view, binaryFormat, echo, showControl, reconnect);
        try (WebSocketClient client = client(uri, timeout, secure)) {
            WebSocket ws;
            try {
                // The client enforces the timeout itself; the extra time only guards against a hang.
                // Reconnecting retries the first connection too: --timeout bounds the attempts.
                long limit = reconnect ? timeout.toMillis() : timeout.toMillis() * 2 + 1000;
                ws = client.connect(uri, session, requestHeaders).get(limit, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = ConnectFailure.unwrap(e);
                if (cause instanceof IllegalArgumentException) {
                    throw usage(cause.getMessage());
                }
                console.err().println("duplex: " + ConnectFailure.describe(cause, ConnectFailure.target(uri)));
                return ExitCode.FAILURE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.FAILURE;
            }
            if (terminal != null) {
                terminal.status(
                        "connected to " + uri + describeNegotiated(ws) + " — /help for commands, Ctrl-D to close");
            }
            ConnectRun run = new ConnectRun(console, ws, session, reconnect);
            // On SIGINT/SIGTERM the hook closes the connection with 1001.
            try (ShutdownHook hook = ShutdownHook.install(shutdownHook, "duplex-connect-shutdown", run::goAway)) {
                if (echo) {
                    return run.finish(session.closed().join());
                }
                if (scripted) {
                    return run.script(execute, waitMessages, waitSeconds);
                }
                return run.readInput(terminal);
            }
        }
    }

    private static String describeNegotiated(WebSocket ws) {
        StringBuilder sb = new StringBuilder();
        if (ws.subprotocol() != null) {
            sb.append(", subprotocol ").append(ws.subprotocol());
        }
        if (!ws.extensions().isEmpty()) {
            sb.append(", ").append(String.join(", ", ws.extensions()));
        }
        return sb.toString();
    }

    private WebSocketClient client(URI uri, Duration timeout, boolean secure) {
        long message = maxMessage.bytes();
        if (deflateOffer.given() && !compression.compress()) {
            throw usage("--client-max-window-bits, --server-max-window-bits and --context-takeover need --compress");
        }
        WebSocketConfig config;
        try {
            config = WebSocketConfig.builder()
                    .protocol(fragments.applyTo(ProtocolConfig.DEFAULT.toBuilder()
                            .maxMessageSize(message)
                            .maxFrameSize(message)
                            .build()))
                    .connectTimeout(timeout)
                    .handshakeTimeout(timeout)
                    .closeTimeout(CLOSE_TIMEOUT)
                    .messageTimeout(messageTimeout.timeout())
                    .compression(false)
                    .pingInterval(Duration.ofMillis(Math.round(pingIntervalSeconds * 1000)))
                    // Room for whole pipes and echoes; reading stdin pauses at SEND_WINDOW anyway.
                    .outboundLimit(Math.max(64L << 20, 4 * message))
                    .build();
            if (compression.compress()) {
                config = config.toBuilder().compression(deflateOffer.config()).build();
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        WebSocketClient.Builder b = WebSocketClient.builder().config(config);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.toArray(new String[0]));
        }
        if (origin != null) {
            b.origin(origin);
        }
        if (insecure.configured() && secure) {
            if (insecure.insecure()) {
                console.err()
                        .println("WARNING: --insecure: the server's certificate and host name are NOT checked;"
                                + " anyone on the network path can read and change this connection.");
            }
            b.tls(insecure.clientTls(spec));
        }
        ProxyConfig via = proxyFor(uri);
        if (via != null) {
            b.proxy(via);
        }
        if (reconnect) {
            b.reconnect(ReconnectPolicy.defaults()).queueWhileReconnecting(SEND_WINDOW);
        }
        return b.build();
    }

    /** Replaces the environment {@code HTTPS_PROXY} and the like are read from (tests, embedding). */
    public ConnectCommand environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** {@code --proxy}, or the environment's and the JVM's proxy for {@code uri} (see {@link SystemProxy}). */
    private ProxyConfig proxyFor(URI uri) {
        if (proxy != null && noProxy) {
            throw usage("--proxy and --no-proxy exclude each other");
        }
        if (proxy != null) {
            return Urls.parseProxy(proxy, spec);
        }
        if (noProxy) {
            return null;
        }
        try {
            return SystemProxy.find(uri, environment, ProxySelector.getDefault());
        } catch (IllegalArgumentException e) {
            throw usage("proxy from the environment: " + e.getMessage());
        }
    }

    /** The {@code -H} fields; Origin has its own option, which says what a browser would send. */
    private Map<String, String> headerMap() {
        if (headers.headers().stream().anyMatch(h -> h.name().equalsIgnoreCase("Origin"))) {
            throw usage("use --origin instead of -H 'Origin: ...'");
        }
        return headers.fields();
    }

    private CommandLine.ParameterException usage(String message) {
        return Usage.error(spec, message);
    }
}
