package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code stop(timeout)}: stop accepting, 1001 Going Away to everyone (RFC 6455 §7.4.1), wait for the
 * close handshakes within the bound, abort the rest, and leave no event-loop thread behind.
 */
class GracefulStopTest {
    WebSocketServer server;
    WebSocketClient client;
    final Queue<RecordingHandler.Closed> serverCloses = new ConcurrentLinkedQueue<>();
    volatile String loopThread;

    @BeforeEach
    void start() {
        server = Loopback.server()
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        loopThread = Thread.currentThread().getName();
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.send(text);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
                        serverCloses.add(new RecordingHandler.Closed(code, reason, wasClean));
                    }
                })
                .start();
        client = WebSocketClient.builder().eventLoops(2).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(1));
    }

    /** "duplex-server-7-loop-1" → "duplex-server-7-": this server's loop threads. */
    String loopPrefix() {
        String name = loopThread;
        assertThat(name).contains("duplex-server");
        return name.substring(0, name.indexOf("-loop-") + 1);
    }

    static boolean threadsAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }

    @Test
    void everyClientSeesGoingAwayAndNoLoopThreadRemains() {
        List<RecordingHandler> ours = new ArrayList<>();
        List<JdkListener> jdks = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 10; i++) {
            RecordingHandler r = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/ws"), r)).send("hi");
            assertThat(r.nextText()).isEqualTo("hi");
            ours.add(r);
            JdkListener j = new JdkListener();
            JdkListener.open(http, Loopback.uri(server, "/ws"), j);
            jdks.add(j);
        }
        Await.eventually("20 connections", () -> server.connectionCount() == 20);
        String prefix = loopPrefix();

        long t0 = System.nanoTime();
        server.stop(Duration.ofSeconds(2));
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(stopMillis).isLessThan(2_000 + 1_000);
        for (RecordingHandler r : ours) {
            assertThat(r.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "server shutting down", true));
        }
        for (JdkListener j : jdks) {
            assertThat(await(j.closed)).isEqualTo(new RecordingHandler.Closed(1001, "server shutting down", true));
        }
        // Every client answered the close: each handshake completed cleanly on the server too.
        assertThat(serverCloses).hasSize(20).containsOnly(new RecordingHandler.Closed(1001, "", true));
        assertThat(server.connectionCount()).isZero();
        Await.eventually("no " + prefix + "* thread left", () -> !threadsAlive(prefix));
    }

    @Test
    void stopReturnsWithinItsBoundWhenAPeerNeverAnswers() throws IOException {
        try (RawClient mute = RawClient.connect(server.port(), null, 0)) {
            assertThat(mute.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
            String prefix = loopPrefix();
            long t0 = System.nanoTime();
            server.stop(Duration.ofMillis(300));
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(stopMillis).isLessThan(300 + 1_500);
            assertThat(mute.readFrame().closeCode()).isEqualTo(1001);
            assertThat(mute.awaitEnd(Await.WAIT)).isTrue();
            assertThat(serverCloses).contains(new RecordingHandler.Closed(1006, "", false));
            Await.eventually("no " + prefix + "* thread left", () -> !threadsAlive(prefix));
        }
    }

    @Test
    void stopCalledFromAHandlerDoesNotBlockTheLoop() {
        java.util.concurrent.CompletableFuture<Long> stopMillis = new java.util.concurrent.CompletableFuture<>();
        WebSocketServer self = Loopback.server()
                .eventLoops(1)
                .route("/ws", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        long t0 = System.nanoTime();
                        holder[0].stop(Duration.ofSeconds(2));
                        stopMillis.complete((System.nanoTime() - t0) / 1_000_000);
                    }
                })
                .start();
        holder[0] = self;
        RecordingHandler onClient = new RecordingHandler();
        await(client.connect(Loopback.uri(self, "/ws"), onClient)).send("stop");
        // On the loop, stop cannot wait for the loop: it hands the work to another thread.
        assertThat(await(stopMillis)).isLessThan(500);
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "server shutting down", true));
        Await.eventually("the server released its connection", () -> self.connectionCount() == 0);
    }

    final WebSocketServer[] holder = new WebSocketServer[1];

    @Test
    void stoppedServerAcceptsNoMore() {
        await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        int port = server.port();
        server.stop(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        // A second stop is harmless.
        server.stop(Duration.ofSeconds(1));
    }

    @Test
    void connectionInTheHandshakeIsAbortedByStop() throws IOException {
        try (RawClient half = RawClient.connect(server.port(), null, 0)) {
            half.write("GET /ws HTTP/1.1\r\n");
            Await.eventually("registered", () -> server.connectionCount() == 1);
            server.stop(Duration.ofSeconds(1));
            assertThat(half.awaitEnd(Await.WAIT)).isTrue();
        }
    }
}
