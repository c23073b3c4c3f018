package io.duplex.ops;

import static io.duplex.testkit.Await.await;
import static io.duplex.testkit.Await.catchFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.AsyncUpgrader;
import io.duplex.BearerSubprotocol;
import io.duplex.UpgradeDecision;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous authentication: an {@link AsyncUpgrader} answers later without blocking the loop,
 * bounded by the handshake timeout (a token service that never answers: 504, connection freed);
 * credential expiry (4001 unless extended in-band); the bearer token in Sec-WebSocket-Protocol.
 */
class AsyncAuthTest {
    WebSocketServer server;
    final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();
    /** The token service: a future per token, completed by the test. */
    final Map<String, CompletableFuture<UpgradeDecision>> pending = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(1));
    }

    void start(Duration handshakeTimeout, AsyncUpgrader upgrader, WebSocketHandler handler, String... subprotocols) {
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .handshakeTimeout(handshakeTimeout)
                        .subprotocols(subprotocols)
                        .build())
                .route("/ws", handler, upgrader)
                .start();
    }

    AsyncUpgrader tokenService() {
        return request -> pending.computeIfAbsent(request.queryParameter("token"), t -> new CompletableFuture<>());
    }

    @Test
    void theLoopServesOthersWhileADecisionIsPendingAndTheDecisionOpensTheSocket() throws IOException {
        start(Duration.ofSeconds(10), tokenService(), new EchoHandler());
        CompletableFuture<WebSocket> slow =
                client.connect(Loopback.uri(server, "/ws?token=slow"), new RecordingHandler());
        Await.eventually("asked", () -> pending.containsKey("slow"));
        // Meanwhile another connection on the same loops gets its answer at once.
        pending.put("fast", CompletableFuture.completedFuture(UpgradeDecision.accept("alice")));
        RecordingHandler fast = new RecordingHandler();
        await(client.connect(Loopback.uri(server, "/ws?token=fast"), fast)).send("hi");
        assertThat(fast.nextText()).isEqualTo("hi");
        assertThat(slow).isNotDone();
        // The token service answers from its own thread.
        CompletableFuture.runAsync(() -> pending.get("slow").complete(UpgradeDecision.accept("bob")));
        await(slow).send("late");
    }

    @Test
    void aTokenServiceThatNeverAnswersIsAnswered504AndTheConnectionFreed() throws IOException {
        start(Duration.ofMillis(500), tokenService(), new EchoHandler());
        try (RawClient raw = RawClient.connect(server.port())) {
            long start = System.nanoTime();
            assertThat(raw.upgrade("/ws?token=never")).startsWith("HTTP/1.1 504 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(raw.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
        Await.eventually("freed", () -> server.connectionCount() == 0);
        // A decision arriving after the 504 is ignored.
        pending.get("never").complete(UpgradeDecision.accept());
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aFailedStageIs500AndARejectionKeepsItsStatus() {
        start(Duration.ofSeconds(10), tokenService(), new EchoHandler());
        pending.put("boom", CompletableFuture.failedFuture(new IllegalStateException("token service down")));
        pending.put("bad", CompletableFuture.completedFuture(UpgradeDecision.reject(401, "bad token")));
        Throwable boom = catchFailure(client.connect(Loopback.uri(server, "/ws?token=boom"), new RecordingHandler()));
        assertThat(((HandshakeException) boom).status()).isEqualTo(500);
        Throwable bad = catchFailure(client.connect(Loopback.uri(server, "/ws?token=bad"), new RecordingHandler()));
        assertThat(((HandshakeException) bad).status()).isEqualTo(401);
        Await.eventually("freed", () -> server.connectionCount() == 0);
    }

    @Test
    void aClientGoneWhileWaitingIsFreedAndItsLateDecisionDropped() throws IOException {
        start(Duration.ofSeconds(10), tokenService(), new EchoHandler());
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(RawClient.upgradeRequest("/ws?token=gone", server.port()));
            Await.eventually("asked", () -> pending.containsKey("gone"));
        }
        Await.eventually("freed", () -> server.connectionCount() == 0);
        pending.get("gone").complete(UpgradeDecision.accept());
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void bytesBeforeTheAnswerAreKeptForTheProtocolButBounded() throws IOException {
        start(Duration.ofSeconds(10), tokenService(), new EchoHandler());
        try (RawClient raw = RawClient.connect(server.port())) {
            // A masked text frame right behind the request: kept, and read once the socket opens.
            raw.write(RawClient.upgradeRequest("/ws?token=early", server.port()));
            Await.eventually("asked", () -> pending.containsKey("early"));
            raw.write(RawClient.masked(0x81, RawClient.utf8("early")));
            pending.get("early").complete(UpgradeDecision.accept());
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(raw.readFrame().text()).isEqualTo("early");
        }
        try (RawClient raw = RawClient.connect(server.port())) {
            raw.write(RawClient.upgradeRequest("/ws?token=flood", server.port()));
            Await.eventually("asked", () -> pending.containsKey("flood"));
            raw.write(new byte[9000]); // over the 8 KiB head limit
            assertThat(raw.readHead()).startsWith("HTTP/1.1 400 ");
            assertThat(raw.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
        pending.get("flood").complete(UpgradeDecision.accept()); // dropped: answered already
        Await.eventually("freed", () -> server.connectionCount() == 0);
    }

    @Test
    void anExpiredCredentialClosesWith4001UnlessExtended() {
        AtomicInteger extended = new AtomicInteger();
        start(
                Duration.ofSeconds(10),
                request -> CompletableFuture.completedFuture(((UpgradeDecision.Accept) UpgradeDecision.accept())
                        .withCredentialExpiry(Instant.now().plusMillis(300))),
                new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        // The in-band refresh: the client proves a fresh credential.
                        ws.extendCredential(Instant.now().plusMillis(400));
                        extended.incrementAndGet();
                        ws.send("extended");
                    }
                });
        RecordingHandler expires = new RecordingHandler();
        await(client.connect(Loopback.uri(server, "/ws"), expires));
        RecordingHandler.Closed closed = expires.awaitClose();
        assertThat(closed.code()).isEqualTo(WebSocket.CREDENTIAL_EXPIRED);
        assertThat(closed.reason()).isEqualTo("credential expired");

        RecordingHandler refreshes = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), refreshes));
        long opened = System.nanoTime();
        ws.send("refresh");
        assertThat(refreshes.nextText()).isEqualTo("extended");
        RecordingHandler.Closed late = refreshes.awaitClose();
        assertThat(late.code()).isEqualTo(4001);
        // It lived past the first expiry (300 ms) because it was extended.
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofMillis(350));
        assertThat(extended.get()).isEqualTo(1);
    }

    @Test
    void bearerTokenInTheSubprotocolIsNeverEchoed() throws IOException {
        start(
                Duration.ofSeconds(10),
                BearerSubprotocol.upgrader((token, request) -> CompletableFuture.completedFuture(
                        token.equals("eyJhbGciOi.J9x_y-z")
                                ? UpgradeDecision.accept("user-1")
                                : UpgradeDecision.reject(401, "bad token"))),
                new EchoHandler(),
                "chat.v1");
        try (WebSocketClient browserLike = WebSocketClient.builder()
                .eventLoops(1)
                .subprotocols(
                        BearerSubprotocol.offer("eyJhbGciOi.J9x_y-z", "chat.v1").toArray(String[]::new))
                .build()) {
            WebSocket ws = await(browserLike.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
            assertThat(ws.subprotocol()).isEqualTo("chat.v1");
        }
        try (RawClient raw = RawClient.connect(server.port())) {
            String head = raw.upgrade("/ws", "Sec-WebSocket-Protocol: chat.v1, bearer.eyJhbGciOi.J9x_y-z");
            assertThat(head)
                    .startsWith("HTTP/1.1 101 ")
                    .contains("Sec-WebSocket-Protocol: chat.v1\r\n")
                    .doesNotContain("eyJ");
        }
        try (RawClient raw = RawClient.connect(server.port())) {
            assertThat(raw.upgrade("/ws", "Sec-WebSocket-Protocol: chat.v1, bearer.wrong"))
                    .startsWith("HTTP/1.1 401 ");
        }
        try (RawClient raw = RawClient.connect(server.port())) {
            assertThat(raw.upgrade("/ws", "Sec-WebSocket-Protocol: chat.v1")).startsWith("HTTP/1.1 401 ");
        }
        try (RawClient raw = RawClient.connect(server.port())) {
            // Only the token: a browser would fail an answer without a subprotocol.
            assertThat(raw.upgrade("/ws", "Sec-WebSocket-Protocol: bearer.eyJhbGciOi.J9x_y-z"))
                    .startsWith("HTTP/1.1 400 ");
        }
    }

    static final class EchoHandler implements WebSocketHandler {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.send(text);
        }
    }
}
