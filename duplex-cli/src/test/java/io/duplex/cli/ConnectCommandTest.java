package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.WebSocket;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code duplex connect} in-process against {@code duplex serve} and scripted test servers. */
class ConnectCommandTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    /** A server whose every connection runs {@code onOpen}; other events go to {@code handler}. */
    WebSocketServer server(WebSocketHandler handler) {
        return server(handler, b -> {});
    }

    WebSocketServer server(WebSocketHandler handler, Consumer<WebSocketServer.Builder> customize) {
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("*", handler);
        customize.accept(b);
        WebSocketServer s = b.start();
        resources.add(() -> s.stop(Duration.ofSeconds(2)));
        return s;
    }

    static String url(WebSocketServer s, String path) {
        return "ws://127.0.0.1:" + s.port() + path;
    }

    // ------------------------------------------------------------------ piped mode

    @Test
    void pipedLinesRoundTripThroughServeEchoAndEndOfInputClosesCleanly() throws Exception {
        RunningServe serve = RunningServe.start("--echo");
        resources.add(serve::stop);
        Cli.Result result = Cli.run(
                "one\ntwo words\n\nünïcödé ✓\r\nlast without newline",
                "connect",
                serve.uri("/chat").toString());

        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEqualTo("one\ntwo words\n\nünïcödé ✓\nlast without newline\n");
        assertThat(result.err()).isEmpty();
        Cli.Result served = serve.stop();
        assertThat(served.err()).contains("/chat 1000 clean");
    }

    @Test
    void manyLinesArriveInOrderEvenWhenStdinOutrunsTheSocket() throws Exception {
        RunningServe serve = RunningServe.start("--echo", "--quiet");
        resources.add(serve::stop);
        String line = "x".repeat(200);
        String input = IntStream.range(0, 20_000).mapToObj(i -> i + line).collect(Collectors.joining("\n", "", "\n"));
        Cli.Result result = Cli.run(input, "connect", serve.uri("/many").toString());
        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEqualTo(input);
    }

    @Test
    void binaryMessagesPrintAsHexByDefaultOrBase64() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send(ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xab, (byte) 0xff}));
                ws.send("text stays text");
                ws.close(1000, "done");
            }
        });
        Cli.Result hex = Cli.runWithOpenStdin("connect", url(s, "/bin"));
        assertThat(hex.exit()).as(hex.err()).isEqualTo(ExitCode.OK);
        assertThat(hex.out()).isEqualTo("0001abff\ntext stays text\n");

        Cli.Result base64 = Cli.runWithOpenStdin("connect", "--binary", "base64", url(s, "/bin"));
        assertThat(base64.out()).isEqualTo("AAGr/w==\ntext stays text\n");
    }

    @Test
    void closesWithNormalClosureWhenStdoutIsGone() throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("first");
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                closeCode.complete(code);
            }
        });
        // A stdout whose reader went away, like `duplex connect … | head -1` after one line.
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Console console = new Console(
                Cli.openStdin(), new PrintStream(broken, true), new PrintStream(OutputStream.nullOutputStream()));
        int exit = CompletableFuture.supplyAsync(
                        () -> DuplexCommand.commandLine(console, false).execute("connect", url(s, "/")))
                .get(30, TimeUnit.SECONDS);
        assertThat(exit).isEqualTo(ExitCode.OK);
        assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    @ParameterizedTest(name = "server closes with {0}")
    @ValueSource(ints = {1000, 1001})
    void aServerCloseWith1000Or1001EndsTheSessionWithZero(int code) {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("bye");
                ws.close(code, "");
            }
        });
        Cli.Result result = Cli.runWithOpenStdin("connect", url(s, "/"));
        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEqualTo("bye\n");
    }

    @Test
    void anyOtherCloseCodeIsAFailure() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.close(4000, "custom reason");
            }
        });
        Cli.Result result = Cli.runWithOpenStdin("connect", url(s, "/"));
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("closed by the server: 4000 custom reason");
    }

    @Test
    void aDroppedConnectionIsAFailure() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.abort();
            }
        });
        Cli.Result withInput = Cli.run("boom\n", "connect", url(s, "/"));
        assertThat(withInput.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(withInput.err()).contains("connection lost (1006");
    }

    @Test
    void headersSubprotocolsAndOriginReachTheServer() {
        CompletableFuture<UpgradeRequest> seen = new CompletableFuture<>();
        WebSocketServer s = server(
                new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.send("subprotocol=" + ws.subprotocol());
                        ws.close();
                    }
                },
                b -> b.config(WebSocketConfig.builder()
                                .subprotocols("chat")
                                .originPolicy(io.duplex.handshake.OriginPolicy.any())
                                .build())
                        .upgrader(request -> {
                            seen.complete(request);
                            return UpgradeDecision.accept();
                        }));
        Cli.Result result = Cli.runWithOpenStdin(
                "connect",
                "-H",
                "Authorization: Bearer t0ken",
                "-H",
                "X-Multi: a",
                "--header=X-Multi: b",
                "--subprotocol",
                "v2.other",
                "--subprotocol",
                "chat",
                "--origin",
                "https://app.example",
                url(s, "/h?room=1"));

        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEqualTo("subprotocol=chat\n");
        UpgradeRequest request = seen.join();
        assertThat(request.headers().all("Authorization")).containsExactly("Bearer t0ken");
        assertThat(request.headers().all("X-Multi")).containsExactly("a, b");
        assertThat(request.offeredSubprotocols()).containsExactly("v2.other", "chat");
        assertThat(request.origin()).isEqualTo("https://app.example");
        assertThat(request.path()).isEqualTo("/h");
        assertThat(request.queryParameter("room")).isEqualTo("1");
    }

    // ------------------------------------------------------------------ echo mode

    @Test
    void echoModeSendsEveryMessageBackUnchangedUntilTheServerCloses() throws Exception {
        int n = 50;
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                byte[] bytes = new byte[i * 100 + 1];
                new java.util.Random(i).nextBytes(bytes);
                sent.add(bytes);
            } else {
                sent.add("message " + i + " ✓".repeat(i));
            }
        }
        sent.add("x".repeat(100_000)); // larger than one read
        List<Object> received = new CopyOnWriteArrayList<>();
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                for (Object m : sent) {
                    if (m instanceof String text) {
                        ws.send(text);
                    } else {
                        ws.send(ByteBuffer.wrap((byte[]) m));
                    }
                }
            }

            @Override
            public void onText(WebSocket ws, String text) {
                record(ws, text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                record(ws, copy);
            }

            private void record(WebSocket ws, Object m) {
                received.add(m);
                if (received.size() == sent.size()) {
                    ws.close(1000, "all back");
                }
            }
        });

        Cli.Result result = Cli.runWithOpenStdin("connect", "--echo", url(s, "/echo-client"));

        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEmpty();
        assertThat(received).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(received.get(i)).as("message %d", i).isEqualTo(sent.get(i));
        }
    }

    @Test
    void echoModeFailsWhenTheServerClosesWithAnError() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("ping me");
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.close(1011, "server broke");
            }
        });
        Cli.Result result = Cli.run("", "connect", "--echo", url(s, "/"));
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("1011 server broke");
    }

    // ------------------------------------------------------------------ failures

    @Test
    void aRefusedConnectionSaysSo() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Cli.Result result = Cli.run("", "connect", "ws://127.0.0.1:" + port + "/");
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("connection refused").contains("127.0.0.1:" + port);
    }

    @Test
    void aRejectedHandshakeShowsTheHttpStatus() {
        WebSocketServer s =
                server(new WebSocketHandler() {}, b -> b.upgrader(request -> UpgradeDecision.reject(403, "forbidden")));
        Cli.Result result = Cli.run("", "connect", url(s, "/"));
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("handshake rejected: HTTP 403");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // The kernel completes the TCP handshake from the backlog; nobody ever answers the upgrade.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            long start = System.nanoTime();
            Cli.Result result =
                    Cli.run("", "connect", "--timeout", "0.5", "ws://127.0.0.1:" + silent.getLocalPort() + "/");
            assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
            assertThat(result.err()).contains("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTlsFailureIsAConnectionFailure() throws Exception {
        RunningServe plain = RunningServe.start("--echo", "--quiet");
        resources.add(plain::stop);
        Cli.Result result = Cli.run(
                "",
                "connect",
                "--timeout",
                "5",
                "wss://127.0.0.1:" + plain.server().port() + "/");
        assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).contains("duplex: ").contains("TLS");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "http://x",
                "https://example.com/",
                "ws://",
                "ws:///path",
                "wss://",
                "not a url",
                "localhost:9001",
                "ws://h/#frag"
            })
    void badUrlsAreUsageErrors(String url) {
        Cli.Result result = Cli.run("", "connect", url);
        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).containsAnyOf("ws:// or wss://", "no host", "invalid URL", "fragment");
        assertThat(result.err()).contains("Try 'duplex connect --help'");
    }

    @Test
    void optionMistakesAreUsageErrors() {
        ServeCommandTest.assertUsage("Missing required parameter: 'URL'", "connect");
        ServeCommandTest.assertUsage("not a header", "connect", "-H", "nocolon", "ws://h/");
        ServeCommandTest.assertUsage("use --origin", "connect", "-H", "Origin: https://x", "ws://h/");
        ServeCommandTest.assertUsage(
                "header is set by the handshake", "connect", "-H", "Sec-WebSocket-Key: x", "ws://127.0.0.1:1/");
        ServeCommandTest.assertUsage("--timeout must be", "connect", "--timeout", "0", "ws://h/");
        ServeCommandTest.assertUsage("not a duration: 'NaN'", "connect", "--timeout", "NaN", "ws://h/");
        ServeCommandTest.assertUsage("Invalid value for option '--binary'", "connect", "--binary", "octal", "ws://h/");
        ServeCommandTest.assertUsage("not a size", "connect", "--max-message", "big", "ws://h/");
        ServeCommandTest.assertUsage("subprotocol", "connect", "--subprotocol", "has space", "ws://127.0.0.1:1/");
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("", "connect", "--help");
        assertThat(help.exit()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("Examples:").contains("duplex connect ws://localhost:9001/");

        Cli.Result top = Cli.run("", "--help");
        assertThat(top.exit()).isEqualTo(ExitCode.OK);
        assertThat(top.out()).contains("serve").contains("connect").contains("Exit codes:");

        Cli.Result version = Cli.run("", "--version");
        assertThat(version.exit()).isEqualTo(ExitCode.OK);
        assertThat(version.out())
                .startsWith("duplex ")
                .doesNotContain("unknown")
                .doesNotContain("${");

        Cli.Result none = Cli.run("");
        assertThat(none.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("missing command");

        Cli.Result helpCommand = Cli.run("", "help", "serve");
        assertThat(helpCommand.out()).contains("--max-message");
    }
}
