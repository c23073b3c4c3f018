package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.handshake.HandshakeException;
import io.duplex.handshake.Headers;
import io.duplex.testkit.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Automatic reconnection, with the backoff observed through a manual scheduler. */
class ReconnectTest {
    static final ReconnectPolicy POLICY = ReconnectPolicy.defaults()
            .withDelays(Duration.ofMillis(100), Duration.ofSeconds(1))
            .withMaxAttempts(10);

    static WebSocketServer echoServer(int port) {
        return WebSocketServer.builder()
                .host("127.0.0.1")
                .port(port)
                .eventLoops(1)
                .route("/echo", WebSocketHandler.echo())
                .start();
    }

    /** Records what a reconnecting client's handler sees. */
    static final class Events implements WebSocketHandler {
        final LinkedBlockingQueue<String> log = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen(WebSocket ws) {
            log.add("open");
        }

        @Override
        public void onText(WebSocket ws, String text) {
            texts.add(text);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
            log.add("close " + code);
        }

        @Override
        public void onReconnecting(WebSocket ws, int attempt, Duration delay) {
            delays.add(delay);
            log.add("reconnecting " + attempt);
        }

        @Override
        public void onReconnected(WebSocket ws) {
            log.add("reconnected");
        }

        String next() throws InterruptedException {
            String s = log.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no event within 10 s");
            }
            return s;
        }
    }

    @Test
    void reconnectsAfterServerRestartWithJitteredExponentialBackoff() throws Exception {
        WebSocketServer server = echoServer(0);
        int port = server.port();
        ManualScheduler scheduler = new ManualScheduler();
        Events events = new Events();
        try (WebSocketClient client = WebSocketClient.builder()
                .reconnect(POLICY)
                .scheduler(scheduler)
                .random(new Random(42))
                .queueWhileReconnecting(1024)
                .build()) {
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + port + "/echo"), events)
                    .get(10, TimeUnit.SECONDS);
            assertThat(events.next()).isEqualTo("open");
            ws.send("before");
            assertThat(events.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

            server.stop(Duration.ofSeconds(5));
            assertThat(events.next()).isEqualTo("close 1001");
            assertThat(events.next()).isEqualTo("reconnecting 1");
            assertThat(ws.readyState()).isEqualTo(ReadyState.CONNECTING);
            // Sent while disconnected: queued within the bound, delivered after reconnection.
            assertThat(ws.send("queued")).isEqualTo(SendResult.BUFFERED);
            assertThat(ws.send("x".repeat(2000))).isEqualTo(SendResult.DROPPED);

            // Attempts against the stopped server fail (connection refused) and back off.
            for (int attempt = 1; attempt <= 3; attempt++) {
                ManualScheduler.Task task = scheduler.next();
                assertThat(task.delay()).isLessThanOrEqualTo(POLICY.ceiling(attempt));
                ManualScheduler.fire(task);
                assertThat(events.next()).isEqualTo("reconnecting " + (attempt + 1));
            }
            assertThat(events.delays).hasSize(4);
            assertThat(POLICY.ceiling(4)).isEqualTo(Duration.ofMillis(800));
            assertThat(POLICY.ceiling(5)).isEqualTo(Duration.ofSeconds(1)); // capped at maxDelay

            WebSocketServer restarted = echoServer(port);
            try {
                ManualScheduler.fire(scheduler.next());
                assertThat(events.next()).isEqualTo("reconnected");
                assertThat(events.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("queued");
                ws.send("after");
                assertThat(events.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
                ws.close();
                assertThat(events.next()).isEqualTo("close 1000");
                assertThat(scheduler.isEmpty()).isTrue();
            } finally {
                restarted.stop(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void doesNotRetryA4xxRejection() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("/", WebSocketHandler.echo(), request -> UpgradeDecision.reject(403, "forbidden"))
                .start();
        ManualScheduler scheduler = new ManualScheduler();
        try (WebSocketClient client =
                WebSocketClient.builder().reconnect(POLICY).scheduler(scheduler).build()) {
            assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), new Events())
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(HandshakeException.class)
                    .satisfies(
                            e -> assertThat(((HandshakeException) e).status()).isEqualTo(403));
            assertThat(scheduler.isEmpty()).isTrue();
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void honoursRetryAfterOn503() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route(
                        "/",
                        WebSocketHandler.echo(),
                        request -> new UpgradeDecision.Reject(503, "busy", Headers.of("Retry-After", "7")))
                .start();
        ManualScheduler scheduler = new ManualScheduler();
        Events events = new Events();
        try (WebSocketClient client =
                WebSocketClient.builder().reconnect(POLICY).scheduler(scheduler).build()) {
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), events);
            assertThat(events.next()).isEqualTo("reconnecting 1");
            // Retry-After is a floor above the policy's 1 s cap.
            assertThat(scheduler.next().delay()).isEqualTo(Duration.ofSeconds(7));
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void honoursTryAgainLaterClose() throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .route("/", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.close(1013, "try again later");
                    }
                })
                .start();
        ManualScheduler scheduler = new ManualScheduler();
        Events events = new Events();
        try (WebSocketClient client =
                WebSocketClient.builder().reconnect(POLICY).scheduler(scheduler).build()) {
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), events);
            assertThat(events.next()).isEqualTo("open");
            assertThat(events.next()).isEqualTo("close 1013");
            assertThat(events.next()).isEqualTo("reconnecting 1");
            assertThat(scheduler.next().delay()).isGreaterThanOrEqualTo(POLICY.tryAgainLaterDelay());
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void withoutAQueueSendsWhileDisconnectedAreDropped() throws Exception {
        WebSocketServer server = echoServer(0);
        ManualScheduler scheduler = new ManualScheduler();
        Events events = new Events();
        try (WebSocketClient client =
                WebSocketClient.builder().reconnect(POLICY).scheduler(scheduler).build()) {
            WebSocket ws = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), events)
                    .get(10, TimeUnit.SECONDS);
            assertThat(events.next()).isEqualTo("open");
            server.stop(Duration.ofSeconds(5));
            assertThat(events.next()).isEqualTo("close 1001");
            assertThat(events.next()).isEqualTo("reconnecting 1");
            assertThat(ws.send("lost?")).isEqualTo(SendResult.DROPPED);
            assertThat(ws.sendAsync("lost?")).isCompletedExceptionally();
            ws.close();
        }
    }

    @Test
    void jitterStaysWithinTheCeiling() {
        Random random = new Random(7);
        for (int attempt = 1; attempt < 40; attempt++) {
            Duration d = POLICY.delay(attempt, Duration.ZERO, random);
            assertThat(d).isBetween(Duration.ZERO, POLICY.ceiling(attempt));
        }
        assertThat(POLICY.allows(10)).isTrue();
        assertThat(POLICY.allows(11)).isFalse();
    }
}
