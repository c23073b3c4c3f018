package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every wait has a timeout (invariant 3 in docs/ARCHITECTURE.md): handshake (slowloris), keepalive pong, idle and
 * close, each with small values so the suite stays fast.
 */
class TimeoutsTest {
    static final Duration SLACK = Duration.ofMillis(1500);

    WebSocketServer server;
    WebSocketClient client;
    ScheduledExecutorService timer;

    @BeforeEach
    void start() {
        client = WebSocketClient.builder().build();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    void start(WebSocketConfig config, WebSocketHandler handler) {
        server = Loopback.server().config(config).route("/ws", handler).start();
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void halfARequestIsCutOffAfterTheHandshakeTimeoutWhileOthersAreServed() throws IOException {
        start(WebSocketConfig.builder().handshakeTimeout(Duration.ofMillis(300)).build(), WebSocketHandler.echo());
        long t0 = System.nanoTime(); // before connecting: the deadlines start after it
        try (RawClient slow = RawClient.connect(server.port(), null, 0);
                RawClient silent = RawClient.connect(server.port(), null, 0)) {
            slow.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
            // A well-behaved client is served meanwhile.
            RecordingHandler onClient = new RecordingHandler();
            WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), onClient));
            ws.send("still served");
            assertThat(onClient.nextText()).isEqualTo("still served");
            assertThat(slow.awaitEnd(Duration.ofMillis(300).plus(SLACK))).isTrue();
            assertThat(silent.awaitEnd(Duration.ofMillis(300).plus(SLACK))).isTrue();
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(290);
            ws.send("and after");
            assertThat(onClient.nextText()).isEqualTo("and after");
        }
        Await.eventually("slow connections are released", () -> server.connectionCount() == 1);
    }

    @Test
    void aTrickleOfBytesDoesNotExtendTheHandshakeTimeout() throws IOException {
        start(WebSocketConfig.builder().handshakeTimeout(Duration.ofMillis(300)).build(), WebSocketHandler.echo());
        long t0 = System.nanoTime();
        try (RawClient trickle = RawClient.connect(server.port(), null, 0)) {
            String request = RawClient.upgradeRequest("/ws", server.port());
            AtomicInteger sent = new AtomicInteger();
            timer.scheduleAtFixedRate(
                    () -> {
                        int i = sent.getAndIncrement();
                        if (i < request.length() - 1) {
                            try {
                                trickle.write(request.substring(i, i + 1));
                            } catch (IOException e) {
                                throw new RuntimeException(e); // closed by the server: stops the task
                            }
                        }
                    },
                    0,
                    20,
                    TimeUnit.MILLISECONDS);
            assertThat(trickle.awaitEnd(Duration.ofMillis(300).plus(SLACK))).isTrue();
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(290);
        }
    }

    @Test
    void peerThatNeverAnswersPingsIsFailedWith1011() throws IOException {
        RecordingHandler onServer = new RecordingHandler();
        start(
                WebSocketConfig.builder()
                        .pingInterval(Duration.ofMillis(200))
                        .pongTimeout(Duration.ofMillis(300))
                        .build(),
                onServer);
        try (RawClient mute = RawClient.connect(server.port(), null, 0)) {
            assertThat(mute.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            long t0 = System.nanoTime();
            RawClient.Frame ping = mute.readFrame();
            assertThat(ping.opcode()).isEqualTo(RawClient.PING);
            // RFC 6455 §7.1.7: this end fails the connection; 1011 like python websockets'
            // keepalive. The handler is told the code it failed with; the handshake did not finish.
            assertThat(onServer.awaitClose())
                    .isEqualTo(new RecordingHandler.Closed(1011, "keepalive ping timeout", false));
            assertThat(millisSince(t0))
                    .isLessThan(Duration.ofMillis(500).plus(SLACK).toMillis());
            RawClient.Frame close = mute.readFrame();
            assertThat(close.opcode()).isEqualTo(RawClient.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1011);
            assertThat(mute.awaitEnd(SLACK)).isTrue();
        }
        assertThat(onServer.closeCalls).hasValue(1);
    }

    @Test
    void peersThatAnswerPingsStayOpen() {
        RecordingHandler onServer = new RecordingHandler();
        start(
                WebSocketConfig.builder()
                        .pingInterval(Duration.ofMillis(100))
                        .pongTimeout(Duration.ofMillis(300))
                        .build(),
                onServer);
        await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        JdkListener jdk = new JdkListener();
        JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/ws"), jdk);
        // Six keepalive rounds answered by both clients: three pong timeouts have passed.
        for (int i = 0; i < 6; i++) {
            Await.poll(onServer.pongs);
        }
        assertThat(onServer.closed).isNotDone();
        assertThat(jdk.closed).isNotDone();
    }

    @Test
    void idleConnectionIsClosedWith1001() {
        RecordingHandler onServer = new RecordingHandler();
        start(
                WebSocketConfig.builder()
                        .idleTimeout(Duration.ofMillis(300))
                        .pingInterval(Duration.ofMillis(50))
                        .build(),
                onServer);
        RecordingHandler onClient = new RecordingHandler();
        long t0 = System.nanoTime();
        await(client.connect(Loopback.uri(server, "/ws"), onClient));
        // Keepalive pings and pongs are not activity.
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "idle timeout", true));
        assertThat(millisSince(t0))
                .isBetween(290L, Duration.ofMillis(300).plus(SLACK).toMillis());
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "", true));
        JdkListener jdk = new JdkListener();
        JdkListener.open(HttpClient.newHttpClient(), Loopback.uri(server, "/ws"), jdk);
        assertThat(await(jdk.closed)).isEqualTo(new RecordingHandler.Closed(1001, "idle timeout", true));
    }

    @Test
    void messagesKeepAConnectionFromIdling() {
        start(WebSocketConfig.builder().idleTimeout(Duration.ofMillis(500)).build(), WebSocketHandler.echo());
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), onClient));
        AtomicInteger n = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> ws.send("tick " + n.getAndIncrement()), 0, 100, TimeUnit.MILLISECONDS);
        // Twelve echoes span more than twice the idle timeout.
        for (int i = 0; i < 12; i++) {
            assertThat(onClient.nextText()).isEqualTo("tick " + i);
        }
        assertThat(onClient.closed).isNotDone();
        timer.shutdownNow();
        assertThat(onClient.awaitClose().code()).isEqualTo(1001);
    }

    @Test
    void peerThatNeverAnswersACloseIsAbortedAfterTheCloseTimeout() throws IOException {
        RecordingHandler onServer = new RecordingHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                super.onOpen(ws);
                ws.close(4000, "go");
            }
        };
        start(WebSocketConfig.builder().closeTimeout(Duration.ofMillis(300)).build(), onServer);
        try (RawClient mute = RawClient.connect(server.port(), null, 0)) {
            long t0 = System.nanoTime();
            assertThat(mute.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            RawClient.Frame close = mute.readFrame();
            assertThat(close.closeCode()).isEqualTo(4000);
            assertThat(mute.awaitEnd(Duration.ofMillis(300).plus(SLACK))).isTrue();
            // The close timer starts after t0, when the server sends its Close.
            assertThat(millisSince(t0)).isGreaterThanOrEqualTo(290);
            assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
        }
    }
}
