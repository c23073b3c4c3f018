package io.duplex.cli.inspect;

import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.ShutdownHook;
import io.duplex.cli.Style;
import io.duplex.cli.Urls;
import io.duplex.cli.Usage;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.ByteSize;
import io.duplex.cli.options.InsecureOption;
import io.duplex.cli.options.TimeoutOption;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duplex inspect --listen PORT --upstream URL}: a debugging proxy that shows every frame
 * between WebSocket clients and a server. It is a frame-level relay ({@link InspectRelay}): frames
 * pass one by one as they were sent — fragments, control frames, FIN and RSV bits included —
 * rather than as messages re-encoded by a WebSocket library.
 *
 * <p>Threading: {@link #call()} accepts connections on its thread until {@link #stop()} or the
 * shutdown hook; each connection gets two threads (one per direction). Blocking sockets are the
 * simple, adequate choice for a tool that prints every frame.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A debugging proxy that prints every frame between clients and a server.",
            "",
            "Clients connect to --listen; each connection is relayed to --upstream and",
            "every frame is printed both ways, one line each.",
            "",
            "What is shown: each frame exactly as it crossed the proxy, not reassembled",
            "messages: fragments (CONT), pings, pongs and close frames; direction",
            "(client→server, server→client), opcode, FIN and RSV bits, length, a preview",
            "(text quoted and escaped, binary as hex, close frames as code, meaning and",
            "reason), and the time since the connection opened and since its previous",
            "frame. Payloads are shown unmasked; client frames are re-masked with fresh",
            "keys on their way upstream.",
            "",
            "The upstream connection uses the client's path and query (after the path of",
            "--upstream, if any), its subprotocol offers and headers (hop-by-hop ones",
            "removed); the upstream's choice goes back to the client. Compression is not",
            "negotiated on either side (Sec-WebSocket-Extensions is removed), so every",
            "payload is readable. Close frames pass through as they are; when one side is",
            "lost the other gets 1014 (server lost) or 1011 (client lost).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex inspect --listen 9002 --upstream ws://localhost:9001",
            "  duplex inspect --listen 9002 --upstream wss://example.com --log frames.jsonl",
            "  duplex connect ws://localhost:9002/chat      # then talk through it",
            "",
            "--log writes one JSON object per frame: conn, ts (ISO-8601), t_ms (since the",
            "connection opened), dir (client->server|server->client), opcode, fin, rsv",
            "(0-7, RSV1 highest), len, payload (base64, unmasked)."
        })
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--listen",
            required = true,
            paramLabel = "PORT",
            description = "Port to accept clients on; 0 picks a free one, printed when ready.")
    int listen;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; a debugging proxy stays local).")
    String host;

    @Option(
            names = "--upstream",
            required = true,
            paramLabel = "URL",
            description = "The server to relay to: ws:// or wss:// URL.")
    String upstreamUrl;

    @Option(names = "--log", paramLabel = "FILE", description = "Also write every frame as a JSON line to FILE.")
    Path logFile;

    @Option(
            names = "--max-preview",
            paramLabel = "N",
            defaultValue = "64",
            description = "Characters of payload shown (text; hex digits for binary) (default: ${DEFAULT-VALUE}).")
    int maxPreview;

    @Option(
            names = "--max-frame",
            paramLabel = "SIZE",
            defaultValue = "16m",
            converter = ByteSize.Converter.class,
            description = "Largest frame relayed; bigger ones fail the connection with 1009 (default: 16m).")
    long maxFrame;

    @Mixin
    InsecureOption insecure = new InsecureOption();

    @Mixin
    TimeoutOption handshakeTimeout = new TimeoutOption();

    private final Console console;
    private final boolean shutdownHook;
    private final CompletableFuture<Integer> started = new CompletableFuture<>();
    private final Set<InspectRelay> relays = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ServerSocket serverSocket;
    private volatile boolean stopping;

    /**
     * @param shutdownHook whether SIGINT/SIGTERM stop it cleanly (the real process)
     */
    public InspectCommand(Console console, boolean shutdownHook) {
        this.console = console;
        this.shutdownHook = shutdownHook;
    }

    /** Completes with the port once listening; fails if it could not start. */
    public CompletableFuture<Integer> started() {
        return started;
    }

    /** Stops accepting, closes every relayed connection and makes {@link #call()} return. */
    public void stop() {
        stopping = true;
        ServerSocket s = serverSocket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }

    @Override
    public Integer call() {
        InspectRelay.Upstream upstream;
        try {
            upstream = upstream();
        } catch (RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
        Writer log;
        try {
            log = logFile == null ? null : Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            started.completeExceptionally(e);
            throw usage("--log: cannot write " + logFile + ": " + e.getMessage());
        }
        try {
            return serve(upstream, log);
        } finally {
            closeLog(log);
        }
    }

    private int serve(InspectRelay.Upstream upstream, Writer log) {
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(host, listen), 128);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            started.completeExceptionally(e);
            console.err().println("duplex: cannot listen on " + host + ":" + listen + ": " + e.getMessage());
            return ExitCode.FAILURE;
        }
        serverSocket = server;
        ShutdownHook hook = ShutdownHook.install(shutdownHook, "duplex-inspect-shutdown", this::stopAndWait);
        FrameReport report = new FrameReport(console.out(), new Style(console.color()), maxPreview, log);
        int port = server.getLocalPort();
        console.err()
                .println("inspecting: ws://" + Urls.hostForUrl(host) + ":" + port + " → " + upstream.uri()
                        + (logFile != null ? " (log: " + logFile + ")" : ""));
        console.out().println("READY duplex-inspect port=" + port);
        started.complete(port);
        int id = 0;
        try {
            while (!stopping) {
                Socket accepted;
                try {
                    accepted = server.accept();
                } catch (IOException e) {
                    if (!stopping) {
                        console.err().println("duplex: accept failed: " + e.getMessage());
                    }
                    break;
                }
                InspectRelay relay = new InspectRelay(++id, accepted, upstream, report);
                relays.add(relay);
                Thread t = new Thread(
                        () -> {
                            try {
                                relay.run();
                            } finally {
                                relays.remove(relay);
                            }
                        },
                        "duplex-inspect-" + id);
                t.setDaemon(true);
                t.start();
            }
        } finally {
            stop();
            relays.forEach(InspectRelay::abort);
            stopped.countDown();
        }
        hook.close();
        return ExitCode.OK;
    }

    private void stopAndWait() {
        stop();
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private InspectRelay.Upstream upstream() {
        URI uri = Urls.parseWebSocketUrl(upstreamUrl, spec);
        if (uri.getRawQuery() != null) {
            throw usage("--upstream cannot have a query: the client's query is used: " + upstreamUrl);
        }
        if (listen < 0 || listen > 65535) {
            throw usage("--listen must be between 0 and 65535: " + listen);
        }
        if (maxPreview < 1 || maxPreview > 1_000_000) {
            throw usage("--max-preview must be between 1 and 1000000: " + maxPreview);
        }
        Duration timeout = handshakeTimeout.timeout();
        if (maxFrame > Integer.MAX_VALUE - 16 && logFile != null) {
            throw usage("--max-frame: at most 2g with --log (each logged frame is held in memory)");
        }
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        if (secure && insecure.insecure()) {
            console.err().println("WARNING: --insecure: the upstream's certificate and host name are NOT checked.");
        }
        return new InspectRelay.Upstream(
                uri,
                secure ? insecure.clientTls(spec).sslContext().getSocketFactory() : null,
                !insecure.insecure(),
                timeout,
                maxFrame);
    }

    private void closeLog(Writer log) {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                console.err().println("duplex: cannot finish the log " + logFile + ": " + e.getMessage());
            }
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return Usage.error(spec, message);
    }
}
