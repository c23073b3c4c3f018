package io.duplex.cli;

import io.duplex.TlsConfig;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.protocol.ProtocolConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code duplex connect URL}: a WebSocket client for pipes. By default each line of stdin is sent
 * as a text message and each message received is printed on its own line (binary as hex); at the
 * end of stdin it closes with 1000 and waits (bounded) for the server's answer. With {@code --echo}
 * it sends every message back unchanged until the server closes.
 *
 * <p>Exit status: 0 after a close handshake with 1000 or 1001; 1 when the connection fails (bad
 * host, refused, TLS, rejected handshake with its HTTP status, timeout) or ends otherwise; 2 for a
 * usage error such as a URL that is not {@code ws://} or {@code wss://}.
 *
 * <p>Threading: {@link #call()} blocks until the session ends; stdin is read on its own daemon
 * thread and messages are handled on the client's event loop.
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connects to a WebSocket server and pipes messages through stdin/stdout.",
            "",
            "Each line of stdin is sent as a text message; each message received is",
            "printed on its own line (binary as hex). At the end of stdin it closes",
            "with 1000 and waits for the server's close. With --echo it sends every",
            "message back unchanged instead, until the server closes.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  echo hello | duplex connect ws://localhost:9001/",
            "  duplex connect -H 'Authorization: Bearer t0ken' wss://example.com/ws",
            "  duplex connect --subprotocol chat --origin https://example.com wss://...",
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

    @Option(
            names = {"-H", "--header"},
            paramLabel = "HEADER",
            converter = Header.Converter.class,
            description = "Add a \"Name: value\" header to the upgrade request (repeatable).")
    List<Header> headers = new ArrayList<>();

    @Option(
            names = "--subprotocol",
            paramLabel = "NAME",
            description = "Offer a subprotocol (repeatable, preferred first).")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--origin", paramLabel = "ORIGIN", description = "Send an Origin header, as a browser would.")
    String origin;

    @Option(
            names = {"-k", "--insecure"},
            description = "wss://: accept any certificate and host name. Unsafe: for testing only.")
    boolean insecure;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Time allowed to connect and complete the handshake (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--echo", description = "Send every message received back unchanged; ignore stdin.")
    boolean echo;

    @Option(
            names = "--binary",
            paramLabel = "FORMAT",
            defaultValue = "hex",
            description = "How to print binary messages: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    BinaryFormat binaryFormat;

    @Option(
            names = "--max-message",
            paramLabel = "SIZE",
            converter = ByteSize.Converter.class,
            description = "Largest message accepted, e.g. 512k, 64m (default: 1m).")
    Long maxMessage;

    private final Console console;

    public ConnectCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        URI uri = parseUrl(url);
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw usage("--timeout must be between 0 and 86400 seconds: " + timeoutSeconds);
        }
        Duration timeout = Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000)));
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        Map<String, String> requestHeaders = headerMap();
        ClientSession session = new ClientSession(console.out(), binaryFormat, echo);
        try (WebSocketClient client = client(timeout, secure)) {
            WebSocket ws;
            try {
                // The client enforces the timeout itself; the extra second only guards against a hang.
                ws = client.connect(uri, session, requestHeaders)
                        .get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = ConnectFailure.unwrap(e);
                if (cause instanceof IllegalArgumentException) {
                    throw usage(cause.getMessage());
                }
                console.err().println("duplex: " + ConnectFailure.describe(cause, target(uri)));
                return ExitCode.FAILURE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.FAILURE;
            }
            return echo ? awaitClose(session) : pipe(ws, session);
        }
    }

    private WebSocketClient client(Duration timeout, boolean secure) {
        long message = maxMessage != null ? maxMessage : ProtocolConfig.DEFAULT_MAX_SIZE;
        WebSocketConfig config;
        try {
            config = WebSocketConfig.builder()
                    .maxMessageSize(message)
                    .maxFrameSize(message)
                    .connectTimeout(timeout)
                    .handshakeTimeout(timeout)
                    .closeTimeout(CLOSE_TIMEOUT)
                    // Room for whole pipes and echoes; reading stdin pauses at SEND_WINDOW anyway.
                    .outboundLimit(Math.max(64L << 20, 4 * message))
                    .build();
        } catch (IllegalArgumentException e) {
            throw usage("--max-message: " + e.getMessage());
        }
        WebSocketClient.Builder b = WebSocketClient.builder().config(config);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.toArray(new String[0]));
        }
        if (origin != null) {
            b.origin(origin);
        }
        if (insecure && secure) {
            console.err()
                    .println("WARNING: --insecure: the server's certificate and host name are NOT checked;"
                            + " anyone on the network path can read and change this connection.");
            b.tls(TlsConfig.client().insecure());
        }
        return b.build();
    }

    /** Piped mode: stdin lines out, messages in, until stdin ends or the server closes. */
    private int pipe(WebSocket ws, ClientSession session) {
        CompletableFuture<Void> inputDone = new CompletableFuture<>();
        Thread reader = new Thread(() -> pump(ws, session, inputDone), "duplex-stdin");
        reader.setDaemon(true); // a read of stdin cannot be interrupted; do not let it hold the JVM
        reader.start();
        CompletableFuture.anyOf(inputDone, session.closed()).join();
        if (!session.closed().isDone()) {
            try {
                return finish(session.closed().get(CLOSE_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS), session);
            } catch (TimeoutException e) {
                console.err()
                        .println("duplex: the server did not answer the close within " + CLOSE_TIMEOUT.toSeconds()
                                + " s");
                ws.abort();
                return ExitCode.FAILURE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ws.abort();
                return ExitCode.FAILURE;
            } catch (ExecutionException e) {
                return ExitCode.FAILURE; // never: the future only completes normally
            }
        }
        return finish(session.closed().join(), session);
    }

    /** Sends stdin line by line; at its end starts the close handshake with 1000. */
    private void pump(WebSocket ws, ClientSession session, CompletableFuture<Void> done) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !session.closed().isDone()) {
                CompletableFuture<Void> written = ws.sendAsync(line);
                if (ws.bufferedAmount() > SEND_WINDOW) {
                    try {
                        written.join(); // backpressure: let the socket catch up before reading on
                    } catch (CompletionException closed) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            console.err().println("duplex: cannot read stdin: " + e.getMessage());
        } finally {
            ws.close(1000, "");
            done.complete(null);
        }
    }

    /** Echo mode: runs until the server ends the connection. */
    private int awaitClose(ClientSession session) {
        return finish(session.closed().join(), session);
    }

    private int finish(ClientSession.Closed closed, ClientSession session) {
        if (closed.isNormal()) {
            return ExitCode.OK;
        }
        Throwable error = session.lastError();
        console.err()
                .println("duplex: " + closed.describe()
                        + (error != null && error.getMessage() != null ? ": " + error.getMessage() : ""));
        return ExitCode.FAILURE;
    }

    private Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("Origin")) {
                throw usage("use --origin instead of -H 'Origin: ...'");
            }
            map.merge(h.name(), h.value(), (a, b) -> a + ", " + b);
        }
        return map;
    }

    /** Checks the URL up front so that every mistake in it is a usage error (exit 2). */
    URI parseUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw usage("invalid URL '" + text + "': " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw usage("URL must start with ws:// or wss://: " + text);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw usage("URL has no host: " + text);
        }
        if (uri.getRawFragment() != null) {
            throw usage("a WebSocket URL cannot have a #fragment (RFC 6455 §3): " + text);
        }
        return uri;
    }

    private static String target(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
