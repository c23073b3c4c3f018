package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.UpgradeDecision;
import io.duplex.UpgradeRequest;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.frame.Opcode;
import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.OriginPolicy;
import io.duplex.testing.TestCertificates;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duplex inspect} between real clients and a Duplex server on 127.0.0.1. */
class InspectCommandTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CompletableFuture<UpgradeRequest> upstreamSaw = new CompletableFuture<>();
    private final CompletableFuture<Integer> upstreamCloseCode = new CompletableFuture<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /**
     * An echo server (compression and the subprotocol "chat" on offer) that closes with 4000 on
     * "bye" and drops the connection on "die".
     */
    WebSocketServer upstream() {
        WebSocketServer s = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .config(WebSocketConfig.builder()
                        .subprotocols("chat")
                        .originPolicy(OriginPolicy.any())
                        .build())
                .upgrader(request -> {
                    upstreamSaw.complete(request);
                    return UpgradeDecision.accept();
                })
                .route("*", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        switch (text) {
                            case "bye" -> ws.close(4000, "done");
                            case "die" -> ws.abort();
                            default -> ws.send(text);
                        }
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.send(data);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                        upstreamCloseCode.complete(code);
                    }
                })
                .start();
        resources.add(() -> s.stop(Duration.ofSeconds(2)));
        return s;
    }

    RunningInspect inspect(WebSocketServer upstream, String... options) throws Exception {
        RunningInspect running = RunningInspect.start("ws://127.0.0.1:" + upstream.port(), options);
        resources.add(running::stop);
        return running;
    }

    WebSocketClient client() {
        WebSocketClient c = WebSocketClient.builder().subprotocols("chat").build(); // compression on offer
        resources.add(c);
        return c;
    }

    /** A recorder that also hands over pongs. */
    static final class PongRecorder extends RecordingHandler {
        final CompletableFuture<String> pong = new CompletableFuture<>();

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            pong.complete(StandardCharsets.UTF_8.decode(data.duplicate()).toString());
        }
    }

    @Test
    void showsEveryFrameBothWaysAndLogsThemAsJsonLines(@TempDir Path dir) throws Exception {
        WebSocketServer server = upstream();
        Path log = dir.resolve("frames.jsonl");
        RunningInspect inspect = inspect(server, "--log", log.toString());
        PongRecorder r = new PongRecorder();
        WebSocket ws = client().connect(inspect.uri("/room?id=7"), r, Map.of("X-Trace", "abc"))
                .get(10, TimeUnit.SECONDS);

        // The upstream saw the client's path, query, headers and offers; nothing was compressed.
        UpgradeRequest seen = upstreamSaw.get(10, TimeUnit.SECONDS);
        assertThat(seen.path()).isEqualTo("/room");
        assertThat(seen.query()).isEqualTo("id=7");
        assertThat(seen.headers().first("X-Trace")).isEqualTo("abc");
        assertThat(seen.headers().contains("Sec-WebSocket-Extensions")).isFalse();
        assertThat(seen.offeredSubprotocols()).containsExactly("chat");
        assertThat(ws.subprotocol()).isEqualTo("chat");
        assertThat(ws.extensions()).isEmpty();

        ws.send("hello");
        assertThat(r.nextMessage()).isEqualTo("hello");
        ws.send(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}));
        assertThat(r.nextMessage()).isEqualTo(new byte[] {1, 2, 3, (byte) 0xff});
        ws.ping(ByteBuffer.wrap("p".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.pong.get(10, TimeUnit.SECONDS)).isEqualTo("p");
        ws.send("bye");
        RecordingHandler.Closed closed = r.awaitClose();
        assertThat(closed.code()).isEqualTo(4000);
        assertThat(closed.reason()).isEqualTo("done");

        String out = inspect.awaitOutput("#1 closed");
        assertThat(out).startsWith("READY duplex-inspect port=" + inspect.port() + "\n");
        assertThat(out).contains("#1 open 127.0.0.1:").contains(" → ws://127.0.0.1:" + server.port() + "/room?id=7");
        assertThat(out)
                .containsPattern("#1 +[0-9.]+ ms +\\+[0-9.]+  client→server  TEXT +fin=1 rsv=000 len=5 +\"hello\"");
        assertThat(out).containsPattern("server→client  TEXT +fin=1 rsv=000 len=5 +\"hello\"");
        assertThat(out).containsPattern("client→server  BINARY +fin=1 rsv=000 len=4 +010203ff");
        assertThat(out).containsPattern("server→client  BINARY +fin=1 rsv=000 len=4 +010203ff");
        assertThat(out).containsPattern("client→server  PING +fin=1 rsv=000 len=1 +\"p\"");
        assertThat(out).containsPattern("server→client  PONG +fin=1 rsv=000 len=1 +\"p\"");
        assertThat(out).containsPattern("server→client  CLOSE +fin=1 rsv=000 len=6 +4000 private \"done\"");
        // The library's close reply echoes the code without the reason.
        assertThat(out).containsPattern("client→server  CLOSE +fin=1 rsv=000 len=2 +4000 private\n");
        assertThat(out).contains("#1 closed (5 frames client→server, 4 server→client)");

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(9);
        List<String> kinds = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> frame = Json.object(line);
            assertThat(frame).containsKeys("conn", "ts", "t_ms", "dir", "opcode", "fin", "rsv", "len", "payload");
            byte[] payload = Base64.getDecoder().decode((String) frame.get("payload"));
            assertThat((double) frame.get("len")).isEqualTo(payload.length);
            assertThat(frame.get("conn")).isEqualTo(1.0);
            assertThat(frame.get("fin")).isEqualTo(true);
            assertThat(frame.get("rsv")).isEqualTo(0.0);
            kinds.add(frame.get("dir") + " " + frame.get("opcode"));
        }
        assertThat(kinds)
                .containsSubsequence(
                        "client->server text",
                        "server->client text",
                        "client->server binary",
                        "server->client binary",
                        "client->server ping",
                        "server->client pong",
                        "client->server text",
                        "server->client close",
                        "client->server close");
        Map<String, Object> serverClose = Json.object(lines.get(lines.size() - 2));
        byte[] closePayload = Base64.getDecoder().decode((String) serverClose.get("payload"));
        assertThat(closePayload).startsWith(0x0f, 0xa0).endsWith("done".getBytes(StandardCharsets.UTF_8));
        assertThat(Base64.getDecoder().decode((String) Json.object(lines.get(0)).get("payload")))
                .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void showsFragmentsAsTheyWereAndFailsAClientThatBreaksTheProtocol() throws Exception {
        WebSocketServer server = upstream();
        RunningInspect inspect = inspect(server, "--max-preview", "3");
        try (RawClient raw = RawClient.connect(inspect.uri("/raw").getPort())) {
            raw.handshake("/raw");
            raw.write(RawClient.frame(Opcode.TEXT.code(), "hel".getBytes(StandardCharsets.UTF_8), true));
            raw.write(RawClient.frame(0x80 | Opcode.CONTINUATION.code(), "lo".getBytes(StandardCharsets.UTF_8), true));
            RawClient.Frame echo = raw.readFrame();
            assertThat(echo.opcode()).isEqualTo(Opcode.TEXT.code());
            assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");

            raw.write(RawClient.frame(0x80 | Opcode.TEXT.code(), "unmasked".getBytes(StandardCharsets.UTF_8), false));
            RawClient.Frame close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(Opcode.CLOSE.code());
            assertThat(close.closeCode()).isEqualTo(1002);
        }
        assertThat(upstreamCloseCode.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
        String out = inspect.awaitOutput("#1 closed");
        assertThat(out).containsPattern("client→server  TEXT +fin=0 rsv=000 len=3 +\"hel\"");
        assertThat(out).containsPattern("client→server  CONT +fin=1 rsv=000 len=2 +\\(text\\) \"lo\"");
        assertThat(out).containsPattern("server→client  TEXT +fin=1 rsv=000 len=5 +\"hel\"…\\(\\+2 chars\\)");
        assertThat(out).contains("protocol violation by the client").contains("1002 protocol error");
    }

    @Test
    void aLostUpstreamClosesTheClientWith1014() throws Exception {
        WebSocketServer server = upstream();
        RunningInspect inspect = inspect(server);
        RecordingHandler r = new RecordingHandler();
        WebSocket ws = client().connect(inspect.uri("/"), r).get(10, TimeUnit.SECONDS);
        ws.send("die");
        RecordingHandler.Closed closed = r.awaitClose();
        assertThat(closed.code()).isEqualTo(1014);
        assertThat(closed.reason()).isEqualTo("inspect: server connection lost");
        assertThat(inspect.awaitOutput("#1 closed"))
                .contains(
                        "server closed the TCP connection without a close frame; sent 1014 bad gateway to the client");
    }

    @Test
    void aLostClientClosesTheUpstreamWith1011() throws Exception {
        WebSocketServer server = upstream();
        RunningInspect inspect = inspect(server);
        WebSocket ws =
                client().connect(inspect.uri("/"), new RecordingHandler()).get(10, TimeUnit.SECONDS);
        ws.abort();
        assertThat(upstreamCloseCode.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
        assertThat(inspect.awaitOutput("#1 closed"))
                .contains(
                        "client closed the TCP connection without a close frame; sent 1011 internal error to the server");
    }

    @Test
    void anUnreachableUpstreamIsA502ForTheClient() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        RunningInspect inspect = RunningInspect.start("ws://127.0.0.1:" + port);
        resources.add(inspect::stop);
        assertThatThrownBy(() -> client().connect(inspect.uri("/"), new RecordingHandler())
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        HandshakeException.class, h -> assertThat(h.status()).isEqualTo(502));
        assertThat(inspect.awaitOutput("rejected with HTTP 502")).contains("connection refused");
    }

    @Test
    void relaysToAWssUpstream(@TempDir Path dir) throws Exception {
        TestCertificates.PemFiles pem = TestCertificates.localhost().writePem();
        RunningServe tls = RunningServe.start(
                "--echo",
                "--quiet",
                "--tls-cert",
                pem.certificateChain().toString(),
                "--tls-key",
                pem.privateKey().toString());
        resources.add(tls::stop);
        RunningInspect inspect =
                RunningInspect.start("wss://127.0.0.1:" + tls.server().port(), "--insecure");
        resources.add(inspect::stop);
        Cli.Result r = Cli.runWithOpenStdin(
                "connect", "-x", "over tls", "--wait", "1", inspect.uri("/s").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).isEqualTo("over tls\n");
        assertThat(inspect.awaitOutput("#1 closed"))
                .contains("→ wss://127.0.0.1:" + tls.server().port() + "/s")
                .containsPattern("server→client  TEXT +fin=1 rsv=000 len=8 +\"over tls\"");
        assertThat(inspect.cli().err()).contains("WARNING: --insecure");
    }

    @Test
    void usageErrors() {
        ServeCommandTest.assertUsage("Missing required option: '--upstream=URL'", "inspect", "--listen", "0");
        ServeCommandTest.assertUsage("ws:// or wss://", "inspect", "--listen", "0", "--upstream", "http://h");
        ServeCommandTest.assertUsage(
                "--max-preview", "inspect", "--listen", "0", "--upstream", "ws://h", "--max-preview", "0");
        ServeCommandTest.assertUsage("--listen must be", "inspect", "--listen", "70000", "--upstream", "ws://h");
    }

    @Test
    void helpSaysWhatIsShown() {
        Cli.Result help = Cli.run("", "inspect", "--help");
        assertThat(help.exit()).isEqualTo(ExitCode.OK);
        assertThat(help.out())
                .contains("What is shown")
                .contains("not reassembled")
                .contains("--log");
    }
}
