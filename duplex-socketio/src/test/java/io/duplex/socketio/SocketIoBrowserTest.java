package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.WebSocketServer;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.ScriptProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code socket.io-client}'s browser bundle (from node_modules) in headless Chromium, the page
 * served by the Duplex server itself (same origin): WebSocket only, polling only and polling
 * upgraded to WebSocket, each with events and acknowledgements both ways, JSON and binary.
 */
class SocketIoBrowserTest {
    static final BrowserPrerequisites BROWSER = BrowserPrerequisites.of("duplex-socketio", "socketio");

    SocketIoServer io;
    WebSocketServer server;

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void browserBundleInChromium(@TempDir Path site) throws Exception {
        BROWSER.require();
        Files.copy(
                BROWSER.nodeDir().resolve("node_modules/socket.io-client/dist/socket.io.min.js"),
                site.resolve("socket.io.min.js"));
        try (InputStream page = getClass().getResourceAsStream("/browser/index.html")) {
            Files.copy(page, site.resolve("index.html"));
        }
        io = SocketIoServer.builder().build();
        io.sockets().on("connection", s -> {
            s.on("echo", (args, ack) -> ack.send(args.toArray()));
            s.on("ask-me", (args, ack) -> s.emitWithAck(Duration.ofSeconds(10), "question", "life", new byte[] {4, 2})
                    .thenAccept(answer -> s.emit("answered", answer.toArray())));
        });
        server = io.attach(Loopback.server().staticFiles(site)).start();

        Path log = BROWSER.buildDir().resolve("node-logs/browser.log");
        JsonNode out;
        try (ScriptProcess p = ScriptProcess.start(
                List.of(
                        BrowserPrerequisites.node().orElseThrow().toString(),
                        "browser.js",
                        "http://127.0.0.1:" + server.port()),
                BROWSER.nodeDir(),
                log)) {
            String line = p.nextLine(Duration.ofSeconds(90));
            assertThat(line).as("node printed nothing; stderr: %s", p.stderr()).isNotNull();
            out = new ObjectMapper().readTree(line);
        }
        assertThat(out.has("error")).as("%s", out.path("error").asText()).isFalse();
        assertThat(out.path("pageErrors").size())
                .as("%s", out.path("pageErrors"))
                .isZero();
        for (String mode : List.of("websocket", "polling", "upgrade")) {
            JsonNode m = out.path(mode);
            // With an upgrade the first transport is polling, and the upgrade may be done by the
            // time the namespace is joined: the last one is what the mode decides.
            if (!mode.equals("upgrade")) {
                assertThat(m.path("transport").asText()).as(mode).isEqualTo(mode);
            }
            assertThat(m.path("finalTransport").asText())
                    .as(mode)
                    .isEqualTo(mode.equals("polling") ? "polling" : "websocket");
            assertThat(m.path("echo").toString()).as(mode).isEqualTo("[{\"s\":\"é\"},[0,255,7]]");
            assertThat(m.path("question").toString()).as(mode).isEqualTo("[\"life\",[4,2]]");
            assertThat(m.path("answered").toString()).as(mode).isEqualTo("[\"answer to life\",[9,8]]");
        }
    }
}
