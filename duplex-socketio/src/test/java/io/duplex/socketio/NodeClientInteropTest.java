package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.UpgradeDecision;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official {@code socket.io-client} 4.8 (npm, in Node) against a Duplex Socket.IO server:
 * WebSocket only, polling only, polling upgraded to WebSocket, and polling when a proxy refuses
 * WebSocket upgrades. Events with JSON and binary, acks both ways, rooms, broadcasts, namespaces
 * with auth (accepted, refused), and the server's disconnect reasons.
 */
class NodeClientInteropTest {
    static final Path NODE_DIR =
            Path.of(System.getProperty("socketio.node.dir", "src/test/node")).toAbsolutePath();

    SocketIoServer io;
    WebSocketServer server;
    final BlockingQueue<String> reasons = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** Node and the npm packages, or a skip with the reason (a failure under CI=true). */
    static void requireNode() {
        Optional<String> missing = BrowserPrerequisites.node().isEmpty()
                ? Optional.of("no node on PATH")
                : Files.isRegularFile(NODE_DIR.resolve("node_modules/socket.io-client/package.json"))
                        ? Optional.empty()
                        : Optional.of("socket.io-client is not installed");
        if (missing.isEmpty()) {
            return;
        }
        BrowserPrerequisites.skipOrFail(
                "the Node interop test cannot run: " + missing.get()
                        + "; install: npm ci --prefix duplex-socketio/src/test/node",
                System.getenv("CI"));
    }

    void start(boolean refuseWebSocket) {
        // A client that exits while one of its connections is mid-upgrade (probe open, no poll
        // held) leaves a session with no transport; as on the reference server it ends by the ping
        // timeout, so the timeout is kept short enough for "sessions end" below to see it.
        io = SocketIoServer.builder()
                .pingInterval(Duration.ofSeconds(2))
                .pingTimeout(Duration.ofSeconds(2))
                .build();
        io.sockets().on("connection", s -> {
            s.onDisconnect(reasons::add);
            s.emit("hello", Map.of("transport", s.transport()), new byte[] {1, 2, 3});
            s.on("echo", (args, ack) -> ack.send(args.toArray()));
            s.on("ask-me", (args, ack) -> s.emitWithAck(Duration.ofSeconds(10), "question", "life")
                    .thenAccept(answer -> s.emit("answered", answer.toArray())));
            s.on("join", (args, ack) -> {
                s.join((String) args.get(0));
                ack.send("joined");
            });
            s.on("shout", (args, ack) -> ack.send(s.to((String) args.get(0)).emit("shouted", args.get(1))));
            s.on("everyone", (args, ack) -> {
                io.sockets().emit("all", args.get(0));
                ack.send();
            });
        });
        io.of("/admin")
                .use((s, next) -> {
                    if ("good".equals(s.handshake().auth().get("token"))) {
                        s.data().put("user", "admin-user");
                        next.proceed();
                    } else {
                        next.reject("not authorized", Map.of("code", 401));
                    }
                })
                .on(
                        "connection",
                        s -> s.on("whoami", (args, ack) -> ack.send(s.data().get("user"))));
        WebSocketServer.Builder b = io.attach(Loopback.server());
        if (refuseWebSocket) {
            // As a proxy that blocks WebSocket would: every upgrade under the prefix is refused.
            b.routePrefix("/socket.io/", WebSocketHandler.echo(), r -> UpgradeDecision.reject(403, "blocked"));
        }
        server = b.start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade", "refused"})
    void officialClientWorks(String mode) throws Exception {
        requireNode();
        start(mode.equals("refused"));
        JsonNode out = run(mode);
        String transport = mode.equals("polling") || mode.equals("refused") ? "polling" : "websocket";
        assertThat(out.path("hello").path("transport").asText())
                .isEqualTo(mode.equals("websocket") ? "websocket" : "polling");
        assertThat(out.path("hello").path("binary").asText()).isEqualTo("010203");
        assertThat(out.path("echo").path("json").toString()).isEqualTo("{\"n\":1,\"s\":\"é\"}");
        assertThat(out.path("echo").path("list").toString()).isEqualTo("[true,null]");
        assertThat(out.path("echo").path("binary").asText()).isEqualTo("00ff07");
        assertThat(out.path("answered").toString()).isEqualTo("[\"answer to life\",\"09\"]");
        assertThat(out.path("rooms").path("shouted").asText()).isEqualTo("hi all");
        assertThat(out.path("rooms").path("count").asInt()).isEqualTo(1);
        assertThat(out.path("rooms").path("dGot").asBoolean()).isFalse();
        assertThat(out.path("rooms").path("bGot").asBoolean()).isFalse();
        assertThat(out.path("refused").path("message").asText()).isEqualTo("not authorized");
        assertThat(out.path("refused").path("data").path("code").asInt()).isEqualTo(401);
        assertThat(out.path("admin").path("who").asText()).isEqualTo("admin-user");
        assertThat(out.path("unknownNamespace").asText()).isEqualTo("Invalid namespace");
        assertThat(out.path("finalTransport").asText()).isEqualTo(transport);
        Await.eventually("sessions end", () -> io.sessionCount() == 0);
    }

    JsonNode run(String mode) throws Exception {
        Path log = Path.of("target", "node-logs", "interop-" + mode + ".log").toAbsolutePath();
        try (ScriptProcess p = ScriptProcess.start(
                List.of(
                        BrowserPrerequisites.node().orElseThrow().toString(),
                        "interop.js",
                        "http://127.0.0.1:" + server.port(),
                        mode),
                NODE_DIR,
                log)) {
            String line = p.nextLine(Duration.ofSeconds(60));
            assertThat(line).as("node printed nothing; stderr: %s", p.stderr()).isNotNull();
            JsonNode out = new ObjectMapper().readTree(line);
            assertThat(out.has("error")).as("%s", out.path("error").asText()).isFalse();
            // The client's disconnect() reaches the server as a DISCONNECT packet, before its
            // transport goes away.
            assertThat(Await.poll(reasons)).isEqualTo(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            p.tell("exit");
            return out;
        }
    }
}
