package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.handshake.HandshakeException;
import io.duplex.testing.TestCertificates;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duplex serve} in-process, driven by the library's client over loopback. */
class ServeCommandTest {
    private final List<RunningServe> servers = new ArrayList<>();
    private final WebSocketClient client = WebSocketClient.builder().build();

    RunningServe serve(String... options) throws Exception {
        RunningServe running = RunningServe.start(options);
        servers.add(running);
        return running;
    }

    @AfterEach
    void stopAll() {
        client.close();
        for (RunningServe r : servers) {
            r.command().stop();
        }
    }

    WebSocket connect(URI uri, RecordingHandler recorder) throws Exception {
        return client.connect(uri, recorder).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesTextAsTextAndBinaryAsBinaryOnAnyPath() throws Exception {
        RunningServe s = serve("--echo");
        for (String path : List.of("/", "/echo", "/deep/path?q=1")) {
            RecordingHandler r = new RecordingHandler();
            WebSocket ws = connect(s.uri(path), r);
            byte[] bytes = {0, 1, (byte) 0xff, 10, 13};
            ws.send("héllo " + path);
            ws.send(ByteBuffer.wrap(bytes));
            assertThat(r.nextMessage()).isEqualTo("héllo " + path);
            assertThat(r.nextMessage()).isEqualTo(bytes);
            ws.close();
            assertThat(r.awaitClose().code()).isEqualTo(1000);
        }
    }

    @Test
    void echoesLargeBinaryMessagesIntactUpToTheConfiguredLimit() throws Exception {
        RunningServe s = serve("--echo", "--max-message", "4m");
        RecordingHandler r = new RecordingHandler();
        WebSocketClient big = WebSocketClient.builder()
                .config(io.duplex.WebSocketConfig.builder()
                        .maxMessageSize(4 << 20)
                        .maxFrameSize(4 << 20)
                        .outboundLimit(16 << 20)
                        .build())
                .build();
        try {
            WebSocket ws = big.connect(s.uri("/big"), r).get(10, TimeUnit.SECONDS);
            byte[] bytes = new byte[3 << 20];
            new java.util.Random(7).nextBytes(bytes);
            ws.send(ByteBuffer.wrap(bytes));
            assertThat((byte[]) r.nextMessage()).isEqualTo(bytes);
        } finally {
            big.close();
        }
    }

    @Test
    void withoutEchoMessagesAreDiscarded() throws Exception {
        RunningServe s = serve();
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/sink"), r);
        ws.send("dropped");
        ws.close();
        assertThat(r.awaitClose().code()).isEqualTo(1000);
        assertThat(r.messages).isEmpty();
    }

    @Test
    void bcastSendsEachMessageToEveryOpenBcastConnection() throws Exception {
        RunningServe s = serve("--echo");
        List<RecordingHandler> recorders = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingHandler r = new RecordingHandler();
            sockets.add(connect(s.uri("/bcast"), r));
            recorders.add(r);
        }
        // No wait needed: the server adds a member in onOpen, before its 101 response leaves.
        sockets.get(1).send("to all");
        for (RecordingHandler r : recorders) {
            assertThat(r.nextMessage()).isEqualTo("to all");
        }
        sockets.get(0).send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        for (RecordingHandler r : recorders) {
            assertThat(r.nextMessage()).isEqualTo(new byte[] {1, 2, 3});
        }

        // A closed member is removed; the others still get every message, exactly once.
        sockets.get(2).close();
        assertThat(recorders.get(2).awaitClose().code()).isEqualTo(1000);
        sockets.get(0).send("after close");
        assertThat(recorders.get(0).nextMessage()).isEqualTo("after close");
        assertThat(recorders.get(1).nextMessage()).isEqualTo("after close");
        assertThat(recorders.get(2).messages).isEmpty();

        // Other paths are not members: an echo connection sees only its own echo.
        RecordingHandler other = new RecordingHandler();
        WebSocket echo = connect(s.uri("/elsewhere"), other);
        echo.send("mine");
        assertThat(other.nextMessage()).isEqualTo("mine");
        sockets.get(0).send("bcast only");
        assertThat(recorders.get(1).nextMessage()).isEqualTo("bcast only");
        assertThat(recorders.get(0).nextMessage()).isEqualTo("bcast only");
        assertThat(other.messages).isEmpty();
    }

    @Test
    void logsOneLinePerOpenAndCloseButNotPerMessage() throws Exception {
        RunningServe s = serve("--echo");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/logged"), r);
        for (int i = 0; i < 5; i++) {
            ws.send("m" + i);
            r.nextMessage();
        }
        ws.close(1000, "bye");
        r.awaitClose();
        int port = s.server().port();
        Cli.Result result = s.stop();

        assertThat(result.exit()).isEqualTo(ExitCode.OK);
        assertThat(result.err()).contains("listening on ws://127.0.0.1:" + port);
        String local = "127.0.0.1:" + ws.localAddress().getPort();
        List<String> lines = result.err().lines().filter(l -> l.contains(local)).toList();
        assertThat(lines)
                .containsExactly("open  " + local + " /logged", "close " + local + " /logged 1000 clean (bye)");
        assertThat(result.err()).doesNotContain("m3");
        assertThat(result.out()).startsWith("READY duplex port=" + port + " ");
    }

    @Test
    void quietLogsNoConnections() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/q"), r);
        ws.close();
        r.awaitClose();
        int port = s.server().port();
        Cli.Result result = s.stop();
        assertThat(result.err().strip()).isEqualTo("listening on ws://127.0.0.1:" + port);
    }

    @Test
    void stopSendsGoingAwayToOpenConnections() throws Exception {
        RunningServe s = serve("--echo", "--quiet");
        RecordingHandler r = new RecordingHandler();
        connect(s.uri("/x"), r);
        s.stop();
        assertThat(r.awaitClose().code()).isEqualTo(1001);
    }

    @Test
    void enforcesMaxMessage() throws Exception {
        RunningServe s = serve("--echo", "--max-message", "1k");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/limit"), r);
        ws.send("x".repeat(1024));
        assertThat(r.nextMessage()).isEqualTo("x".repeat(1024));
        ws.send("x".repeat(1025));
        assertThat(r.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void fragmentRuleOptionsReachTheServer() throws Exception {
        RunningServe s = serve("--echo", "--max-fragments", "4", "--min-fragment-size", "0");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/fragments"), r);
        for (int i = 0; i < 4; i++) {
            ws.sendFragment(ByteBuffer.wrap(new byte[] {(byte) i}), false, i == 3);
        }
        assertThat((byte[]) r.nextMessage()).containsExactly(0, 1, 2, 3);
        for (int i = 0; i < 5; i++) {
            ws.sendFragment(ByteBuffer.wrap(new byte[64]), false, i == 4);
        }
        // A hard count of 4: refused as policy (1008), not as size (1009).
        assertThat(r.awaitClose().code()).isEqualTo(1008);
        assertUsage("--max-fragments", "serve", "--max-fragments", "0");
        assertUsage("--min-fragment-size", "serve", "--min-fragment-size", "-1");
    }

    @Test
    void manySmallFragmentsWithinTheMessageLimitAreServedByDefault() throws Exception {
        RunningServe s = serve("--echo");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/fragments"), r);
        // 5,000 frames of 64 bytes: over the count allowance, within the default average.
        for (int i = 0; i < 5_000; i++) {
            ws.sendFragment(ByteBuffer.wrap(new byte[64]), false, i == 4_999);
        }
        assertThat((byte[]) r.nextMessage()).hasSize(5_000 * 64);
    }

    @Test
    void messageTimeoutFailsAMessageThatNeverEndsWith1008() throws Exception {
        RunningServe s = serve("--echo", "--message-timeout", "300ms");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/slow"), r);
        long t0 = System.nanoTime();
        ws.sendFragment(ByteBuffer.wrap(new byte[] {1}), false, false); // never continued
        assertThat(r.awaitClose().code()).isEqualTo(1008);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
        assertUsage("not a duration", "serve", "--message-timeout", "soon");
    }

    @Test
    void maxFrameLimitsFramesSeparately() throws Exception {
        RunningServe s = serve("--echo", "--max-message", "64k", "--max-frame", "1k");
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = connect(s.uri("/frame"), r);
        byte[] noise = new byte[2048]; // incompressible: permessage-deflate cannot shrink the frame
        new java.util.Random(3).nextBytes(noise);
        ws.send(ByteBuffer.wrap(noise));
        assertThat(r.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void defaultOriginPolicyIsSameOriginAndOriginOptionsAllowList() throws Exception {
        RunningServe strict = serve("--echo", "--quiet");
        assertThat(handshakeStatus(strict.uri("/"), "http://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus(
                        strict.uri("/"), "http://127.0.0.1:" + strict.server().port()))
                .isEqualTo(101);

        RunningServe listed =
                serve("--echo", "--quiet", "--origin", "https://a.example", "--origin", "https://b.example");
        assertThat(handshakeStatus(listed.uri("/"), "https://b.example")).isEqualTo(101);
        assertThat(handshakeStatus(listed.uri("/"), "https://c.example")).isEqualTo(403);

        RunningServe any = serve("--echo", "--quiet", "--origin", "*");
        assertThat(handshakeStatus(any.uri("/"), "https://anything.example")).isEqualTo(101);
    }

    private static int handshakeStatus(URI uri, String origin) throws Exception {
        try (WebSocketClient browser = WebSocketClient.builder().origin(origin).build()) {
            WebSocket ws = browser.connect(uri, new RecordingHandler()).get(10, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HandshakeException.class);
            return ((HandshakeException) e.getCause()).status();
        }
    }

    @Test
    void servesStaticFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>duplex</h1>");
        RunningServe s = serve("--echo", "--quiet", "--static", dir.toString());
        // HTTP/1.1: the JDK client otherwise adds "Upgrade: h2c", which the server takes for a
        // WebSocket upgrade (reported to the runtime's owner).
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + s.server().port() + "/index.html"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<h1>duplex</h1>");
        // WebSocket upgrades still work next to the files.
        RecordingHandler r = new RecordingHandler();
        connect(s.uri("/ws"), r).send("still echoing");
        assertThat(r.nextMessage()).isEqualTo("still echoing");
    }

    @Test
    void servesWssWithPemFilesAndConnectInsecureTalksToIt(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles pem = TestCertificates.localhost().writePem();
        RunningServe s = serve(
                "--echo",
                "--tls-cert",
                pem.certificateChain().toString(),
                "--tls-key",
                pem.privateKey().toString());
        Cli.Result result = Cli.run(
                "secure\nline two\n",
                "connect",
                "--insecure",
                "wss://127.0.0.1:" + s.server().port() + "/tls");
        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).isEqualTo("secure\nline two\n");
        assertThat(result.err()).contains("WARNING: --insecure");
        assertThat(s.stop().err()).contains("listening on wss://127.0.0.1:");
    }

    @Test
    void connectTrustsAPrivateCertificateWithCacertAndStillChecksWithout(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles pem = TestCertificates.localhost().writePem();
        RunningServe s = serve(
                "--echo",
                "--tls-cert",
                pem.certificateChain().toString(),
                "--tls-key",
                pem.privateKey().toString());
        String url = "wss://localhost:" + s.server().port() + "/tls";
        Cli.Result trusted = Cli.run(
                "private\n", "connect", "--cacert", pem.certificateChain().toString(), url);
        assertThat(trusted.exit()).as(trusted.err()).isEqualTo(ExitCode.OK);
        assertThat(trusted.out()).isEqualTo("private\n");
        assertThat(trusted.err()).doesNotContain("WARNING");

        Cli.Result untrusted = Cli.run("private\n", "connect", url);
        assertThat(untrusted.exit()).isNotEqualTo(ExitCode.OK);
        assertThat(untrusted.out()).isEmpty();

        Path missing = dir.resolve("missing.pem");
        assertUsage("--cacert " + missing + ": no such file", "connect", "--cacert", missing.toString(), url);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertUsage("--cacert " + empty, "connect", "--cacert", empty.toString(), url);
        assertUsage(
                "--cacert and --insecure exclude each other",
                "connect",
                "--insecure",
                "--cacert",
                pem.certificateChain().toString(),
                url);
        s.stop();
    }

    @Test
    void aPortInUseIsAFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result result = Cli.run(
                    "", "serve", "--echo", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(result.exit()).isEqualTo(ExitCode.FAILURE);
            assertThat(result.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void optionMistakesAreUsageErrors(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        assertUsage("--max-message/--max-frame", "serve", "--max-message", "3g");
        assertUsage("not a size: '64x'", "serve", "--max-message", "64x");
        assertUsage("not a size: 'lots'", "serve", "--max-frame", "lots");
        assertUsage("--tls-cert and --tls-key go together", "serve", "--tls-cert", file.toString());
        assertUsage("--tls-cert and --tls-key go together", "serve", "--tls-key", file.toString());
        assertUsage(
                "cannot read", "serve", "--tls-cert", dir.resolve("none.pem").toString(), "--tls-key", file.toString());
        assertUsage(
                "cannot load the TLS certificate and key",
                "serve",
                "--tls-cert",
                file.toString(),
                "--tls-key",
                file.toString());
        assertUsage("--static: not a directory", "serve", "--static", file.toString());
        assertUsage("--port must be between 0 and 65535", "serve", "--port", "70000");
        assertUsage("--event-loops must be at least 1", "serve", "--event-loops", "0");
        assertUsage("Unknown option: '--bogus'", "serve", "--bogus");
    }

    @Test
    void topicsServesTheTopicsProtocolOnTopicsAndEveryOtherPath() throws Exception {
        RunningServe s = serve("--topics", "--quiet", "--history", "chat.*=100/10m");
        RecordingHandler sub = new RecordingHandler();
        WebSocket subscriber = connect(s.uri("/topics"), sub);
        subscriber.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.lobby\"}");
        assertThat(sub.nextText()).startsWith("{\"type\":\"subscribed\",\"id\":1,");
        RecordingHandler pub = new RecordingHandler();
        WebSocket publisher = connect(s.uri("/anything"), pub);
        publisher.send("{\"type\":\"publish\",\"id\":2,\"topic\":\"chat.lobby\",\"data\":{\"text\":\"hi\"}}");
        assertThat(pub.nextText()).startsWith("{\"type\":\"published\",\"id\":2,");
        assertThat(sub.nextText())
                .startsWith("{\"type\":\"pub\",\"topic\":\"chat.lobby\"")
                .endsWith(",\"data\":{\"text\":\"hi\"}}");
        // --history: chat.* keeps its publications; other topics keep none.
        publisher.send("{\"type\":\"history\",\"topic\":\"chat.lobby\"}");
        assertThat(pub.nextText()).startsWith("{\"type\":\"history\"").contains("\"data\":{\"text\":\"hi\"}");
        publisher.send("{\"type\":\"history\",\"topic\":\"news\"}");
        assertThat(pub.nextText()).contains("\"error\":\"NO_HISTORY\"");
        publisher.send("not json");
        assertThat(pub.nextText()).contains("\"error\":\"BAD_MESSAGE\"");
        assertThat(publisher.readyState()).isEqualTo(io.duplex.ReadyState.OPEN);
        // The browser client is served next to the protocol.
        java.net.http.HttpResponse<String> script = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + s.server().port() + "/topics.js"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(script.body()).contains("export function connect");
    }

    @Test
    void presenceGivesTopicsMembersAndEvents() throws Exception {
        RunningServe s = serve("--topics", "--quiet", "--presence", "room.*", "--presence", "lobby");
        RecordingHandler watch = new RecordingHandler();
        WebSocket watcher = connect(s.uri("/topics"), watch);
        watcher.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"room.a\",\"presence\":true}");
        // A subscriber is a member before its answer, so it is not sent its own join.
        assertThat(watch.nextText()).startsWith("{\"type\":\"subscribed\",\"id\":1,");

        RecordingHandler other = new RecordingHandler();
        WebSocket guest = connect(s.uri("/topics"), other);
        guest.send("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"room.a\"}");
        assertThat(other.nextText()).startsWith("{\"type\":\"subscribed\",\"id\":2,");
        // Anonymous: each connection is a user of its own, so every join is a user's first.
        assertThat(watch.nextText()).startsWith("{\"type\":\"join\"").endsWith(",\"user\":true}");
        watcher.send("{\"type\":\"presence_stats\",\"id\":3,\"topic\":\"room.a\"}");
        assertThat(watch.nextText())
                .isEqualTo("{\"type\":\"presence_stats\",\"id\":3,\"topic\":\"room.a\",\"connections\":2,"
                        + "\"users\":2}");
        watcher.send("{\"type\":\"presence\",\"id\":4,\"topic\":\"room.a\"}");
        assertThat(watch.nextText())
                .startsWith("{\"type\":\"presence\",\"id\":4,")
                .endsWith(",\"cursor\":null}");
        guest.close(1000, "");
        assertThat(watch.nextText()).startsWith("{\"type\":\"leave\"").endsWith(",\"user\":true}");
        watcher.send("{\"type\":\"presence_stats\",\"id\":5,\"topic\":\"lobby\"}");
        assertThat(watch.nextText()).contains("\"connections\":0");
        watcher.send("{\"type\":\"presence\",\"id\":6,\"topic\":\"chat.x\"}");
        assertThat(watch.nextText()).contains("\"code\":4010,\"error\":\"NO_PRESENCE\"");
        assertThat(watcher.readyState()).isEqualTo(io.duplex.ReadyState.OPEN);
    }

    @Test
    void presenceOptionMistakesAreUsageErrors() {
        assertUsage("--presence needs --topics", "serve", "--presence", "room.*");
        assertUsage("* may only end a pattern", "serve", "--topics", "--presence", "ro*m");
        assertUsage("is not a topic or a prefix ending in *", "serve", "--topics", "--presence", "bad topic");
        assertUsage("expected a topic or a prefix", "serve", "--topics", "--presence", "");
    }

    @Test
    void topicsSelectsItsSubprotocolAndRefusesOthers() throws Exception {
        RunningServe s = serve("--topics", "--quiet");
        try (WebSocketClient offering = WebSocketClient.builder()
                        .subprotocols("duplex.topics.v1")
                        .build();
                WebSocketClient other =
                        WebSocketClient.builder().subprotocols("mqtt").build()) {
            WebSocket ws =
                    offering.connect(s.uri("/topics"), new RecordingHandler()).get(10, TimeUnit.SECONDS);
            assertThat(ws.subprotocol()).isEqualTo("duplex.topics.v1");
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> other.connect(s.uri("/topics"), new RecordingHandler())
                            .get(10, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(HandshakeException.class);
            assertThat(((HandshakeException) refused.getCause()).status()).isEqualTo(400);
        }
    }

    @Test
    void bcastOnAStreamTopicSendsEachMessageToEveryMemberOnceInOrder() throws Exception {
        RunningServe s = serve("--echo", "--quiet", "--bcast-history", "100");
        List<RecordingHandler> recorders = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingHandler r = new RecordingHandler();
            sockets.add(connect(s.uri("/bcast"), r));
            recorders.add(r);
        }
        for (int i = 0; i < 20; i++) {
            sockets.get(i % 3).send("m" + i);
        }
        // One publisher per message, three of them: each member sees every message once, and in
        // the order the stream gave them, which is the same for all.
        List<Object> first = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            first.add(recorders.get(0).nextMessage());
        }
        assertThat(first).hasSize(20).doesNotHaveDuplicates();
        for (RecordingHandler r : recorders.subList(1, 3)) {
            for (Object expected : first) {
                assertThat(r.nextMessage()).isEqualTo(expected);
            }
        }
        assertUsage("--bcast-history must be 0..1000000", "serve", "--echo", "--bcast-history", "-1");
    }

    @Test
    void historyOptionsAreValidated() {
        assertUsage("--history needs --topics", "serve", "--history", "chat.*=10");
        assertUsage("expected PATTERN=SIZE[/TTL]", "serve", "--topics", "--history", "chat");
        assertUsage("history size must be 1-1000000", "serve", "--topics", "--history", "chat.*=0");
        assertUsage("history size must be a number", "serve", "--topics", "--history", "chat.*=ten");
        assertUsage("not a TTL: '10x'", "serve", "--topics", "--history", "chat.*=10/10x");
        assertUsage("history TTL must be above 0 and at most 30d", "serve", "--topics", "--history", "a=10/31d");
        assertUsage("is not a topic or a prefix ending in *", "serve", "--topics", "--history", "bad topic=10");
        assertUsage("* may only end a pattern", "serve", "--topics", "--history", "a*b=10");
    }

    @Test
    void historyOptionsParse() {
        var h = io.duplex.cli.options.HistoryOption.parse("chat.*=1000/10m");
        assertThat(h.pattern()).isEqualTo("chat.*");
        assertThat(h.history()).isEqualTo(io.duplex.History.of(1000, Duration.ofMinutes(10)));
        assertThat(io.duplex.cli.options.HistoryOption.parse("*=5").history().ttl())
                .isEqualTo(io.duplex.cli.options.HistoryOption.DEFAULT_TTL);
        assertThat(io.duplex.cli.options.HistoryOption.parse("news=1/90S")
                        .history()
                        .ttl())
                .isEqualTo(Duration.ofSeconds(90));
    }

    static void assertUsage(String message, String... args) {
        Cli.Result result = Cli.run("", args);
        assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains(message).contains("--help");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void helpShowsAnExample() {
        Cli.Result result = Cli.run("", "serve", "--help");
        assertThat(result.exit()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Examples:").contains("duplex serve --port 9001 --echo");
    }

    @Test
    void hostsAreBracketedInUrlsWhenIpv6() {
        assertThat(Urls.hostForUrl("::")).isEqualTo("[::]");
        assertThat(Urls.hostForUrl("[::1]")).isEqualTo("[::1]");
        assertThat(Urls.hostForUrl("0.0.0.0")).isEqualTo("0.0.0.0");
    }
}
