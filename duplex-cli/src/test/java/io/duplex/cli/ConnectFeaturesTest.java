package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.ConnectProxy;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code duplex connect}'s scripting ({@code -x}, {@code --wait}), interactive mode, {@code
 * --show-control}, {@code --reconnect}, {@code --proxy}, {@code --compress} and {@code
 * --ping-interval}, in-process against real servers on 127.0.0.1.
 */
class ConnectFeaturesTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    WebSocketServer server(WebSocketHandler handler) {
        WebSocketServer s = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("*", handler)
                .start();
        resources.add(() -> s.stop(Duration.ofSeconds(2)));
        return s;
    }

    RunningServe echo() throws Exception {
        RunningServe serve = RunningServe.start("--echo", "--quiet");
        resources.add(serve::stop);
        return serve;
    }

    static String url(WebSocketServer s) {
        return "ws://127.0.0.1:" + s.port() + "/";
    }

    // ------------------------------------------------------------------ scripting

    @Test
    void executeSendsEachMessageThenWaitsForTheEchoesAndExitsZero() throws Exception {
        RunningServe serve = echo();
        Cli.Result r = Cli.runWithOpenStdin(
                "connect",
                "-x",
                "one",
                "--execute",
                "two ✓",
                "--wait",
                "2",
                serve.uri("/x").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("one\ntwo ✓\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void waitSecondsAloneCollectsWhatArrivesThenClosesNormally() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("hello from the server");
            }
        });
        Cli.Result r = Cli.runWithOpenStdin("connect", "--wait-seconds", "0.3", url(s));
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("hello from the server\n");
    }

    /**
     * A script pipes its requests and ends stdin at once; answers that come later still arrive:
     * {@code --wait N} keeps the connection open after the end of input until N messages came.
     */
    @Test
    void aPipeWithWaitKeepsTheConnectionOpenAfterStdinEnds() {
        java.util.concurrent.ScheduledExecutorService later =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            WebSocketServer s = server(new WebSocketHandler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    // Answers after the client's stdin has long ended (a slow backend).
                    later.schedule(() -> ws.send(text + " done"), 300, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            });
            Cli.Result r = Cli.run("job 1\njob 2\n", "connect", "--wait", "2", url(s));
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEqualTo("job 1 done\njob 2 done\n");
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void tooFewMessagesWithinTheWaitIsAFailure() throws Exception {
        RunningServe serve = echo();
        Cli.Result r = Cli.runWithOpenStdin(
                "connect",
                "-x",
                "only one",
                "--wait",
                "2",
                "--wait-seconds",
                "0.5",
                serve.uri("/").toString());
        assertThat(r.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.out()).isEqualTo("only one\n");
        assertThat(r.err()).contains("expected 2 message(s), got 1 within 0.5 s");
    }

    @Test
    void scriptingOptionMistakesAreUsageErrors() {
        ServeCommandTest.assertUsage("--echo cannot be combined", "connect", "--echo", "-x", "a", "ws://h/");
        ServeCommandTest.assertUsage("--wait must be at least 0", "connect", "--wait", "-1", "ws://h/");
        ServeCommandTest.assertUsage("--wait-seconds must be", "connect", "--wait-seconds", "0", "ws://h/");
        ServeCommandTest.assertUsage("--ping-interval must be", "connect", "--ping-interval", "-1", "ws://h/");
        ServeCommandTest.assertUsage(
                "--proxy must be http:// (HTTP CONNECT) or socks5://",
                "connect",
                "--proxy",
                "socks4://p:1080",
                "ws://h/");
        ServeCommandTest.assertUsage("--proxy", "connect", "--proxy", "http://nohostport", "ws://h/");
    }

    // ------------------------------------------------------------------ control frames

    @Test
    void showControlPrintsPingsAndTheCloseCodeAndReasonOnStderr() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.ping(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public void onText(WebSocket ws, String text) {
                ws.send("last words");
                ws.close(1000, "done here");
            }
        });
        Cli.Result r = Cli.runWithOpenStdin("connect", "--show-control", "-x", "go", "--wait-seconds", "10", url(s));
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("last words\n");
        assertThat(r.err()).contains("< ping \"p1\"").contains("< close 1000 normal \"done here\"");
    }

    @Test
    void withoutShowControlNothingButMessagesIsPrinted() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.ping(ByteBuffer.allocate(0));
                ws.send("m");
                ws.close(1000, "bye");
            }
        });
        Cli.Result r = Cli.runWithOpenStdin("connect", "--wait-seconds", "10", url(s));
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("m\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void pingIntervalSendsKeepalivePings() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onPing(WebSocket ws, ByteBuffer data) {
                ws.send("pinged");
            }
        });
        Cli.Result r = Cli.runWithOpenStdin("connect", "--ping-interval", "0.1", "--wait", "1", url(s));
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).startsWith("pinged\n");
    }

    // ------------------------------------------------------------------ interactive

    @Test
    void atATerminalLinesAreSentAndMessagesShownAfterTheMarker() throws Exception {
        RunningServe serve = echo();
        String typed = "hello\n/ping hey\n/binary 00ff\n!!\n\n/history\n/bogus\n//slash\n";
        Cli cli = new Cli(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), true, false);
        Cli.Result r =
                cli.execute("connect", "--show-control", serve.uri("/tty").toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        String out = r.out();
        assertThat(out).contains("connected to " + serve.uri("/tty") + " — /help for commands");
        assertThat(out).contains("< hello\n").contains("< pong \"hey\"\n").contains("< /slash\n");
        assertThat(out.split("< \\(binary\\) 00ff\n", -1)).hasSize(3); // sent twice: /binary and !!
        assertThat(out).contains("   1  hello\n", "   2  /ping hey\n", "   3  /binary 00ff\n", "   4  /binary 00ff\n");
        assertThat(out).contains("unknown command /bogus");
        assertThat(out).contains("> ").doesNotContain("\033[");
        assertThat(out).contains("< close 1000 normal");
    }

    @Test
    void coloursAtATerminalUnlessDisabled() throws Exception {
        RunningServe serve = echo();
        Cli cli = new Cli(new ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8)), true, true);
        Cli.Result r = cli.execute("connect", serve.uri("/").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("\033[32m<\033[0m hi").contains("\033[1;34m>\033[0m ");
        // At a terminal the close is always shown, --show-control or not.
        assertThat(r.out()).contains("\033[33m< close 1000 normal\033[0m");
    }

    @Test
    void closeCommandSendsTheCodeAndEndsNormally() throws Exception {
        RunningServe serve = RunningServe.start("--echo");
        resources.add(serve::stop);
        Cli cli = new Cli(
                new ByteArrayInputStream("/close 4001 all done\n".getBytes(StandardCharsets.UTF_8)), true, false);
        Cli.Result r = cli.execute("connect", serve.uri("/closing").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(serve.stop().err()).contains("/closing 4001 clean (all done)");
    }

    @Test
    void colourFollowsNoColorAndTerm() {
        assertThat(Console.colorAllowed(true, Map.of())).isTrue();
        assertThat(Console.colorAllowed(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(Console.colorAllowed(true, Map.of("NO_COLOR", ""))).isTrue();
        assertThat(Console.colorAllowed(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(Console.colorAllowed(false, Map.of())).isFalse();
    }

    // ------------------------------------------------------------------ reconnect, proxy, compression

    @Test
    void reconnectsAfterAServiceRestartAndSaysSo() {
        AtomicInteger connections = new AtomicInteger();
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                if (connections.incrementAndGet() == 1) {
                    ws.close(1012, "restarting");
                } else {
                    ws.send("welcome back");
                }
            }
        });
        Cli.Result r = Cli.runWithOpenStdin("connect", "--reconnect", "--wait", "1", url(s));
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("welcome back\n");
        assertThat(r.err())
                .contains("connection lost (1012 service restart \"restarting\")")
                .containsPattern("reconnecting \\(attempt 1 in \\d+ ms\\)")
                .contains("reconnected");
        assertThat(connections).hasValue(2);
    }

    @Test
    void connectsThroughAnHttpConnectProxyWithCredentials() throws Exception {
        RunningServe serve = echo();
        ConnectProxy proxy = new ConnectProxy("user", "s3cret");
        resources.add(proxy);
        String target = "127.0.0.1:" + serve.server().port();

        Cli.Result r = Cli.runWithOpenStdin(
                "connect",
                "--proxy",
                "http://user:s3cret@127.0.0.1:" + proxy.port(),
                "-x",
                "via proxy",
                "--wait",
                "1",
                serve.uri("/p").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("via proxy\n");
        assertThat(proxy.requests.get(0)).startsWith("CONNECT " + target + " HTTP/1.1\r\n");

        Cli.Result wrong = Cli.runWithOpenStdin(
                "connect",
                "--proxy",
                "http://user:wrong@127.0.0.1:" + proxy.port(),
                serve.uri("/p").toString());
        assertThat(wrong.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(wrong.err()).contains("407");
    }

    @Test
    void compressionIsOfferedOnlyWithCompress() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("extensions=" + ws.extensions());
                ws.close(1000, "");
            }
        });
        Cli.Result plain = Cli.runWithOpenStdin("connect", "--wait", "1", url(s));
        assertThat(plain.out()).isEqualTo("extensions=[]\n");
        Cli.Result compressed = Cli.runWithOpenStdin("connect", "--compress", "--wait", "1", url(s));
        assertThat(compressed.out()).startsWith("extensions=[permessage-deflate");
    }

    /** The head of the first request a one-shot server receives; it answers 400. */
    private static String offeredHead(String... connectOptions) throws Exception {
        try (java.net.ServerSocket listener =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> head =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try (java.net.Socket s = listener.accept()) {
                            StringBuilder sb = new StringBuilder();
                            java.io.InputStream in = s.getInputStream();
                            while (!sb.toString().endsWith("\r\n\r\n")) {
                                int b = in.read();
                                if (b < 0) {
                                    break;
                                }
                                sb.append((char) b);
                            }
                            s.getOutputStream()
                                    .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            return sb.toString();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            List<String> args = new ArrayList<>(List.of("connect"));
            args.addAll(List.of(connectOptions));
            args.add("ws://127.0.0.1:" + listener.getLocalPort() + "/");
            Cli.Result r = Cli.runWithOpenStdin(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.FAILURE);
            return head.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void compressOffersClientMaxWindowBitsAndTheOfferIsControlled() throws Exception {
        // RFC 7692 §7.1.2.2: advertised by default, so servers that require it negotiate.
        assertThat(offeredHead("--compress"))
                .contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover;"
                        + " server_no_context_takeover; client_max_window_bits\r\n");
        assertThat(offeredHead(
                        "--compress",
                        "--no-client-max-window-bits",
                        "--server-max-window-bits",
                        "10",
                        "--context-takeover"))
                .contains("\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n");
        ServeCommandTest.assertUsage("need --compress", "connect", "--server-max-window-bits", "10", "ws://h/");
        ServeCommandTest.assertUsage(
                "offerServerMaxWindowBits", "connect", "--compress", "--server-max-window-bits", "7", "ws://h/");
    }

    @Test
    void aSmallServerWindowOfferedByConnectIsNegotiatedWithDuplex() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("extensions=" + ws.extensions());
                ws.close(1000, "");
            }
        });
        Cli.Result r =
                Cli.runWithOpenStdin("connect", "--compress", "--server-max-window-bits", "9", "--wait", "1", url(s));
        assertThat(r.out()).startsWith("extensions=[permessage-deflate").contains("server_max_window_bits=9");
    }

    @Test
    void aPipePrintsEveryAnswerThatArrivesBeforeTheServersClose() {
        // stdin ends right after the request: our Close goes out at once, and the server's three
        // answers arrive after it, before the server's Close (RFC 6455 §5.5.1: data may follow a
        // Close sent until the peer's Close is received).
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                for (int i = 1; i <= 3; i++) {
                    ws.send(text + " answer " + i);
                }
            }
        });
        for (int run = 0; run < 5; run++) {
            Cli.Result r = Cli.run("request\n", "connect", url(s));
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(r.out()).isEqualTo("request answer 1\nrequest answer 2\nrequest answer 3\n");
        }
    }

    @Test
    void durationOptionsTakeUnits() {
        WebSocketServer s = server(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("hello");
            }
        });
        Cli.Result r = Cli.runWithOpenStdin(
                "connect",
                "--timeout",
                "5s",
                "--ping-interval",
                "1m",
                "--wait-seconds",
                "1500ms",
                "--message-timeout",
                "30s",
                url(s));
        assertThat(r.out()).isEqualTo("hello\n");
        ServeCommandTest.assertUsage("not a duration: '3x'", "connect", "--timeout", "3x", "ws://h/");
        ServeCommandTest.assertUsage("--message-timeout", "connect", "--message-timeout", "-1s", "ws://h/");
    }
}
