package io.duplex.cli.bench;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.cli.ConnectFailure;
import io.duplex.cli.Console;
import io.duplex.cli.ExitCode;
import io.duplex.cli.Style;
import io.duplex.cli.Urls;
import io.duplex.cli.Usage;
import io.duplex.cli.VersionProvider;
import io.duplex.cli.options.ByteSize;
import io.duplex.cli.options.HeaderOptions;
import io.duplex.cli.options.InsecureOption;
import io.duplex.cli.options.OfferCompressionOption;
import io.duplex.cli.options.Seconds;
import io.duplex.cli.options.TimeoutOption;
import io.duplex.deflate.DeflateConfig;
import io.duplex.protocol.ProtocolConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code duplex bench URL}: a load generator built on the Duplex client and its own event loops.
 * Echo (closed loop, or open loop at a rate with latency from the intended send time), connect
 * (handshakes per second) and broadcast (deliveries per second, publish-to-receipt latency).
 * Percentiles come from an HdrHistogram per event loop, merged at the end.
 *
 * <p>Exit status: 0 when the run had no error; 1 when it had any (a connection failed or closed, a
 * message came back wrong), nothing could connect or nothing was measured; 2 for a usage error.
 *
 * <p>Threading: {@link #call()} blocks for the run; the load runs on the client's event loops
 * (and, at a rate, on a pacer thread).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A WebSocket load generator: opens N connections to URL and measures.",
            "",
            "  echo       each connection keeps --pipeline messages in flight to an echo",
            "             server (duplex serve --echo); msgs/s and round-trip latency.",
            "             With --rate: open loop at that total rate; latency counts from",
            "             the time each message was meant to leave (no coordinated omission).",
            "  connect    N connections at a time open, close with 1000 and open again;",
            "             handshakes/s and connect-to-open latency.",
            "  broadcast  N members on URL (path /bcast when the URL has none); member 0",
            "             also publishes (--pipeline of its own copies outstanding, or",
            "             --rate); deliveries/s to all members and publish-to-receipt",
            "             latency. The server must send each message to every member, the",
            "             sender included, as duplex serve does on /bcast.",
            "  idle       N connections opened (and with --touch, one message each) and held",
            "             idle for --hold; handshakes/s and, with --pid (and --hook), the",
            "             server's memory per connection.",
            "",
            "Several URLs (nodes of one cluster, e.g. duplex serve --redis) share the",
            "connections round-robin; connection 0, the broadcast publisher, goes to the first.",
            "",
            "Each message carries its send time in its first bytes (8 bytes binary, 16 hex",
            "digits text), so --size is at least 8 (binary) or 16 (text). Echoes are checked",
            "for type and size (and content with --verify). Latency in microseconds from an",
            "HdrHistogram (3 significant digits). Compression is off unless --compress.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve --echo --quiet --port 9001 &",
            "  duplex bench ws://127.0.0.1:9001/ --connections 100 --pipeline 16 --size 32",
            "  duplex bench ws://127.0.0.1:9001/ -c 10 -p 4 --size 64k --binary --json",
            "  duplex bench ws://127.0.0.1:9001/ -c 50 --rate 20000 --duration 30",
            "  duplex bench ws://127.0.0.1:9001/bcast --mode broadcast -c 1000 --size 64",
            "  duplex bench ws://127.0.0.1:9001/ --mode connect -c 64 --duration 5",
            "  duplex bench ws://127.0.0.1:9001/ --mode idle -c 10000 --compress --touch --size 2k --pid 4242",
            "  duplex bench ws://127.0.0.1:9001/bcast ws://127.0.0.1:9002/bcast --mode broadcast -c 1000"
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            arity = "1..*",
            paramLabel = "URL",
            description = "ws:// or wss:// URL of the server; several share the connections round-robin.")
    List<String> urls;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "echo",
            description = "echo, connect, broadcast or idle (default: ${DEFAULT-VALUE}).")
    BenchMode mode;

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            defaultValue = "10",
            description = "Connections (connect mode: handshakes at a time) (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = {"-p", "--pipeline"},
            paramLabel = "P",
            description = {
                "Messages in flight per connection (broadcast: of the publisher's own copies).",
                "Default 1; with --rate no limit (a limit there delays sends, which shows as latency)."
            })
    Integer pipeline;

    @Option(
            names = {"-s", "--size"},
            paramLabel = "BYTES",
            defaultValue = "32",
            converter = ByteSize.Converter.class,
            description = "Message size, e.g. 32, 64k (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--binary", description = "Send binary messages (default: text).")
    boolean binary;

    @Option(
            names = "--rate",
            paramLabel = "MSGS_PER_S",
            description = "Open loop: send this many messages per second in all (default: closed loop).")
    Double rate;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            defaultValue = "10",
            description = "Time measured, e.g. 3s, 500ms, 2m; a plain number is seconds (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(
            names = {"-w", "--warmup"},
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            defaultValue = "1",
            description = "Load before measuring, e.g. 1s, 500ms (default: ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(
            names = "--event-loops",
            paramLabel = "N",
            description = "Client event loop threads (default: one per CPU).")
    Integer eventLoops;

    @Option(
            names = "--verify",
            description = "Check every byte of every message received, not only type, size and stamp.")
    boolean verify;

    @Mixin
    OfferCompressionOption compression = new OfferCompressionOption();

    @Option(
            names = "--context-takeover",
            description = "With --compress: allow and use context takeover both ways (RFC 7692 §7.1.1).")
    boolean contextTakeover;

    @Option(
            names = "--hold",
            paramLabel = "DURATION",
            converter = Seconds.Converter.class,
            defaultValue = "5",
            description = "Idle mode: how long the connections are held, e.g. 5s, 2m (default: ${DEFAULT-VALUE} s).")
    double holdSeconds;

    @Option(
            names = "--touch",
            description = "Idle mode: each connection sends one --size message and waits for its echo first.")
    boolean touch;

    @Option(
            names = "--pid",
            paramLabel = "PID",
            description = "Idle mode: the local server's process id; its RSS is read from /proc.")
    Long pid;

    @Option(
            names = "--hook",
            paramLabel = "CMD",
            description = {
                "Idle mode: shell command run before connecting and after the hold; the first",
                "number it prints counts as KiB (e.g. a full GC, then the live heap)."
            })
    String hook;

    @Option(
            names = "--progress",
            description = "Print the live progress line (stderr, once per second) even when not at a terminal.")
    boolean progress;

    @Option(names = "--json", description = "Print the result as one JSON object instead of the summary.")
    boolean json;

    @Mixin
    HeaderOptions headers = new HeaderOptions();

    @Mixin
    InsecureOption insecure = new InsecureOption();

    @Mixin
    TimeoutOption handshakeTimeout = new TimeoutOption();

    private final Console console;

    public BenchCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<URI> uris = new ArrayList<>();
        for (String url : urls) {
            URI uri = Urls.parseWebSocketUrl(url, spec);
            if (mode == BenchMode.BROADCAST
                    && (uri.getRawPath() == null
                            || uri.getRawPath().isEmpty()
                            || uri.getRawPath().equals("/"))) {
                uri = uri.resolve("/bcast");
            }
            uris.add(uri);
        }
        BenchLoad.Plan plan = plan(uris);
        BenchContext context = new BenchContext();
        BenchProgress live = new BenchProgress(
                console.err(), progress || console.terminal(), console.terminal(), new Style(console.color()));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        BenchResult result;
        try (WebSocketClient client = client(plan)) {
            if (mode == BenchMode.CONNECT) {
                Throwable probe = probe(client, plan);
                if (probe != null) {
                    return connectFailed(probe, plan.uri());
                }
                result = new BenchConnectLoad(plan, context, live).run(client);
            } else if (mode == BenchMode.IDLE) {
                BenchPayload payload = new BenchPayload((int) size, binary, verify);
                ServerFootprint footprint = new ServerFootprint(pid, hook, context);
                result = new BenchIdleLoad(plan, context, payload, footprint).run(client, failure);
                if (result == null) {
                    return connectFailed(failure.get(), plan.uri());
                }
            } else {
                BenchPayload payload = new BenchPayload((int) size, binary, verify);
                result = new BenchLoad(plan, context, payload, live).run(client, failure);
                if (result == null) {
                    if (mode == BenchMode.BROADCAST && failure.get() == null) {
                        console.err().println("duplex: the publisher (connection 0) did not connect in time");
                        return ExitCode.FAILURE;
                    }
                    return connectFailed(failure.get(), plan.uri());
                }
            }
        }
        if (json) {
            console.out().println(result.json());
        } else {
            result.print(console.out());
        }
        if (result.count() == 0) {
            console.err()
                    .println("duplex: no " + mode.counted() + " in the measurement window"
                            + (mode == BenchMode.ECHO ? " (does the server echo? duplex serve needs --echo)" : ""));
            return ExitCode.FAILURE;
        }
        return result.errors() == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }

    private int connectFailed(Throwable failure, URI uri) {
        Throwable cause =
                failure == null ? new TimeoutException("no connection opened") : ConnectFailure.unwrap(failure);
        if (cause instanceof IllegalArgumentException) {
            throw usage(cause.getMessage());
        }
        console.err().println("duplex: " + ConnectFailure.describe(cause, ConnectFailure.target(uri)));
        return ExitCode.FAILURE;
    }

    /** Connect mode: one handshake first, so that a server that is not there fails at once. */
    private Throwable probe(WebSocketClient client, BenchLoad.Plan plan) throws InterruptedException {
        try {
            WebSocket ws = client.connect(plan.uri(), new WebSocketHandler() {}, plan.headers())
                    .get(plan.connectTimeoutMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            ws.close(1000, "");
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return e;
        }
    }

    private BenchLoad.Plan plan(List<URI> uris) {
        if (connections < 1 || connections > 1_000_000) {
            throw usage("--connections must be between 1 and 1000000: " + connections);
        }
        if (pipeline != null && (pipeline < 1 || pipeline > 1 << 16)) {
            throw usage("--pipeline must be between 1 and 65536: " + pipeline);
        }
        int least = binary ? BenchPayload.BINARY_STAMP : BenchPayload.TEXT_STAMP;
        if (size < least || size > 64L << 20) {
            throw usage("--size must be between " + least + " (" + (binary ? "binary" : "text")
                    + ": the send time travels in the payload) and 64m: " + size);
        }
        if (rate != null && (!(rate > 0) || rate > 1e9)) {
            throw usage("--rate must be between 0 and 1e9 messages per second: " + rate);
        }
        if (rate != null && (mode == BenchMode.CONNECT || mode == BenchMode.IDLE)) {
            throw usage("--rate applies to echo and broadcast, not to " + mode.label());
        }
        if (mode != BenchMode.IDLE && (touch || pid != null || hook != null)) {
            throw usage("--touch, --pid and --hook apply to --mode idle");
        }
        Usage.seconds(spec, "--hold", holdSeconds, true);
        if (pid != null && !ServerFootprint.readable(pid)) {
            throw usage("--pid: cannot read the resident set size from /proc/" + pid + "/status");
        }
        if (contextTakeover && !compression.compress()) {
            throw usage("--context-takeover needs --compress");
        }
        Usage.seconds(spec, "--duration", durationSeconds, false);
        Usage.seconds(spec, "--warmup", warmupSeconds, true);
        long timeoutMillis = handshakeTimeout.timeout().toMillis();
        if (eventLoops != null && (eventLoops < 1 || eventLoops > 1024)) {
            throw usage("--event-loops must be between 1 and 1024: " + eventLoops);
        }
        return new BenchLoad.Plan(
                mode,
                uris,
                headers.fields(),
                connections,
                pipeline != null ? pipeline : rate != null ? 0 : 1,
                rate,
                // Idle mode has no warm-up: it times the handshakes from the first connect.
                mode == BenchMode.IDLE ? 0 : Math.round(warmupSeconds * 1e9),
                Math.round(durationSeconds * 1e9),
                timeoutMillis,
                eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors(),
                Math.round(holdSeconds * 1e9),
                touch);
    }

    private WebSocketClient client(BenchLoad.Plan plan) {
        long message = Math.max(ProtocolConfig.DEFAULT_MAX_SIZE, size);
        Duration timeout = Duration.ofMillis(plan.connectTimeoutMillis());
        WebSocketConfig.Builder cb = WebSocketConfig.builder()
                .maxMessageSize(message)
                .maxFrameSize(message)
                .connectTimeout(timeout)
                .handshakeTimeout(timeout)
                .closeTimeout(Duration.ofSeconds(5))
                // No keepalive pings in the measurements.
                .pingInterval(Duration.ZERO)
                // The pipeline must fit the send queue, with room for the pacer catching up.
                .outboundLimit(Math.max(64L << 20, 4L * plan.pipeline() * size))
                .compression(false);
        if (compression.compress()) {
            cb.compression(
                    DeflateConfig.builder().contextTakeover(contextTakeover).build());
        }
        WebSocketConfig config = cb.build();
        WebSocketClient.Builder b = WebSocketClient.builder().config(config).eventLoops(plan.eventLoops());
        if (insecure.configured()
                && plan.uris().stream().anyMatch(u -> u.getScheme().equalsIgnoreCase("wss"))) {
            b.tls(insecure.clientTls(spec));
        }
        return b.build();
    }

    private CommandLine.ParameterException usage(String message) {
        return Usage.error(spec, message);
    }
}
