package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateConfig;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link MetricsListener} SPI over real sockets: what each route is told (opened, closed with
 * code and side, messages and bytes both ways, drops, slow-consumer closes, publishes, keepalive
 * round trips), handshakes by status, and tags that are route templates, never requested paths.
 */
class MetricsListenerTest {
    WebSocketServer server;
    WebSocketClient client;

    /** Records every call, per route template. */
    static final class Recorder implements MetricsListener {
        final Map<String, Route> routes = new ConcurrentHashMap<>();
        final List<String> routeCalls = new CopyOnWriteArrayList<>();
        final List<String> handshakes = new CopyOnWriteArrayList<>();
        final AtomicLong serverPublished = new AtomicLong();
        final AtomicLong passes = new AtomicLong();
        final AtomicLong passNanos = new AtomicLong();
        final Set<String> passThreads = ConcurrentHashMap.newKeySet();

        @Override
        public RouteMetrics route(String template) {
            routeCalls.add(template);
            return routes.computeIfAbsent(template, t -> new Route());
        }

        @Override
        public void handshake(String template, int status) {
            handshakes.add(template + " " + status);
        }

        @Override
        public void published(int recipients) {
            serverPublished.addAndGet(recipients);
        }

        @Override
        public void loopPass(long nanos) {
            assertThat(nanos).isNotNegative();
            passes.incrementAndGet();
            passNanos.addAndGet(nanos);
            passThreads.add(Thread.currentThread().getName());
        }

        Route of(String template) {
            return routes.get(template);
        }
    }

    static final class Route implements RouteMetrics {
        final AtomicLong opened = new AtomicLong();
        final List<String> closed = new CopyOnWriteArrayList<>();
        final AtomicLong in = new AtomicLong();
        final AtomicLong out = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong slow = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong pings = new AtomicLong();
        final AtomicLong outReports = new AtomicLong();
        final AtomicLong bytesOutReports = new AtomicLong();

        @Override
        public void opened() {
            opened.incrementAndGet();
        }

        @Override
        public void closed(int code, boolean local) {
            closed.add(code + (local ? " local" : " remote"));
        }

        @Override
        public void messageIn() {
            in.incrementAndGet();
        }

        @Override
        public void messageOut() {
            out.incrementAndGet();
        }

        @Override
        public void messagesOut(int n) {
            assertThat(n).isPositive();
            outReports.incrementAndGet();
            out.addAndGet(n);
        }

        @Override
        public void bytesIn(int bytes) {
            bytesIn.addAndGet(bytes);
        }

        @Override
        public void bytesOut(int bytes) {
            assertThat(bytes).isPositive();
            bytesOutReports.incrementAndGet();
            bytesOut.addAndGet(bytes);
        }

        @Override
        public void dropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void slowConsumerClosed() {
            slow.incrementAndGet();
        }

        @Override
        public void published(int recipients) {
            published.addAndGet(recipients);
        }

        @Override
        public void pingRoundTrip(long nanos) {
            assertThat(nanos).isNotNegative();
            pings.incrementAndGet();
        }
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void anEchoIsCountedOnBothSides() {
        Recorder onServer = new Recorder();
        Recorder onClient = new Recorder();
        server = Loopback.server()
                .metrics(onServer)
                .route("/echo", WebSocketHandler.echo())
                .routePrefix("/rooms/", WebSocketHandler.echo(), null)
                .start();
        // Every route is named when the server starts, once, by its template.
        assertThat(onServer.routeCalls).containsExactlyInAnyOrder("/echo", "/rooms/*");
        client = WebSocketClient.builder().metrics(onClient).build();
        assertThat(onClient.routeCalls).containsExactly("client");

        RecordingHandler handler = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/echo"), handler));
        for (int i = 0; i < 3; i++) {
            ws.send("hello " + i);
        }
        ws.send(ByteBuffer.wrap(new byte[200]));
        for (int i = 0; i < 3; i++) {
            assertThat(handler.nextText()).isEqualTo("hello " + i);
        }
        assertThat(handler.nextBinary().remaining()).isEqualTo(200);
        ws.close(1000, "bye");
        assertThat(handler.awaitClose().code()).isEqualTo(1000);

        Route echo = onServer.of("/echo");
        Await.eventually("the server saw the close", () -> echo.closed.size() == 1);
        assertThat(onServer.handshakes).containsExactly("/echo 101");
        assertThat(echo.opened).hasValue(1);
        assertThat(echo.closed).containsExactly("1000 remote");
        assertThat(echo.in).hasValue(4);
        assertThat(echo.out).hasValue(4);
        // Masked client frames: 2 + 4 + 7 bytes per text, 2 + 2 + 4 + 200 for the binary, a close.
        long payloads = 3 * 7 + 200;
        assertThat(echo.bytesIn.get()).isGreaterThanOrEqualTo(payloads + 3 * 6 + 8 + 6);
        // Out counts are summed per loop pass and reported at its end (EventLoop.countOut), so
        // the echoed close frame's bytes may be reported just after the close itself.
        Await.eventually("the close frame's bytes counted", () -> echo.bytesOut.get() >= payloads + 3 * 2 + 4 + 2);
        assertThat(echo.dropped).hasValue(0);
        assertThat(onServer.of("/rooms/*").opened).hasValue(0);

        Route mine = onClient.of("client");
        Await.eventually("the client saw the close", () -> mine.closed.size() == 1);
        assertThat(mine.opened).hasValue(1);
        assertThat(mine.closed).containsExactly("1000 local");
        assertThat(mine.out).hasValue(4);
        assertThat(mine.in).hasValue(4);
        assertThat(mine.bytesOut).hasValue(echo.bytesIn.get());
        assertThat(mine.bytesIn).hasValue(echo.bytesOut.get());
    }

    @Test
    void handshakesAreTaggedByTemplateNeverByTheRequestedPath() throws Exception {
        Recorder metrics = new Recorder();
        server = Loopback.server()
                .config(WebSocketConfig.builder().maxConnections(2).build())
                .metrics(metrics)
                .routePrefix(
                        "/rooms/",
                        WebSocketHandler.echo(),
                        r -> r.query() != null && r.query().contains("deny")
                                ? UpgradeDecision.reject(403, "no")
                                : UpgradeDecision.accept())
                .start();
        try (RawClient ok = RawClient.connect(server.port())) {
            assertThat(ok.upgrade("/rooms/secret-42")).startsWith("HTTP/1.1 101 ");
            // One at a time: a rejected socket holds its slot (of 2) until the server closed it.
            try (RawClient denied = RawClient.connect(server.port())) {
                assertThat(denied.upgrade("/rooms/secret-43?deny=1")).startsWith("HTTP/1.1 403 ");
            }
            Await.eventually("the 403 released", () -> server.connectionCount() == 1);
            try (RawClient lost = RawClient.connect(server.port())) {
                assertThat(lost.upgrade("/nowhere/secret-44")).startsWith("HTTP/1.1 404 ");
            }
            Await.eventually("the 404 released", () -> server.connectionCount() == 1);
            try (RawClient bad = RawClient.connect(server.port())) {
                bad.write("GET /rooms/x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
                assertThat(bad.readHead()).startsWith("HTTP/1.1 426 "); // no Sec-WebSocket-Version
            }
            Await.eventually("the 400 released", () -> server.connectionCount() == 1);
            try (RawClient second = RawClient.connect(server.port());
                    RawClient third = RawClient.connect(server.port())) {
                assertThat(second.upgrade("/rooms/y")).startsWith("HTTP/1.1 101 ");
                assertThat(third.readHead()).startsWith("HTTP/1.1 503 ");
            }
        }
        Await.eventually("every answer counted", () -> metrics.handshakes.size() == 6);
        assertThat(metrics.handshakes)
                .containsExactlyInAnyOrder(
                        "/rooms/* 101", "/rooms/* 403", "null 404", "null 426", "/rooms/* 101", "null 503");
        assertThat(metrics.routes.keySet()).containsExactly("/rooms/*");
        Route rooms = metrics.of("/rooms/*");
        Await.eventually("both dropped connections counted", () -> rooms.closed.size() == 2);
        // The raw clients dropped TCP without a Close frame: 1006, and the peer's doing.
        assertThat(rooms.closed).containsExactly("1006 remote", "1006 remote");
    }

    @Test
    void dropsAndSlowConsumerClosesAreCounted() throws Exception {
        for (SlowConsumerPolicy policy : SlowConsumerPolicy.values()) {
            Recorder metrics = new Recorder();
            SlowConsumerTest.Flooder flooder = new SlowConsumerTest.Flooder(Runnable::run);
            server = Loopback.server()
                    .metrics(metrics)
                    .config(WebSocketConfig.builder()
                            .outboundLimit(SlowConsumerTest.LIMIT)
                            .slowConsumerPolicy(policy)
                            .build())
                    .route("/ws", flooder)
                    .start();
            try (RawClient raw = RawClient.connect(server.port(), null, 8192)) {
                assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
                SlowConsumerTest.Burst burst = await(flooder.burst);
                long refused = burst.results().stream()
                        .filter(r -> r == SendResult.DROPPED)
                        .count();
                Route ws = metrics.of("/ws");
                assertThat(ws.dropped).hasValue(refused);
                // Messages out are reported at the end of the loop pass that queued them, which
                // may still be running when the burst's future completes: wait for that report.
                Await.eventually("the pass's report", () -> ws.out.get() >= burst.accepted());
                assertThat(ws.out).hasValue(burst.accepted());
                if (policy == SlowConsumerPolicy.CLOSE) {
                    assertThat(flooder.awaitClose().code()).isEqualTo(1008);
                    assertThat(ws.slow).hasValue(1);
                    assertThat(ws.closed).containsExactly("1008 local");
                } else {
                    assertThat(ws.slow).hasValue(0);
                    assertThat(ws.closed).isEmpty();
                }
            }
            server.stop(Duration.ofSeconds(5));
            server = null;
        }
    }

    @Test
    void publishesAndKeepaliveRoundTripsAreCounted() {
        Recorder metrics = new Recorder();
        server = Loopback.server()
                .metrics(metrics)
                .config(WebSocketConfig.builder()
                        .pingInterval(Duration.ofMillis(20))
                        .build())
                .route("/pub", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe("news");
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.publish("news", PreparedMessage.text(text));
                    }
                })
                .start();
        client = WebSocketClient.builder().build();
        RecordingHandler a = new RecordingHandler();
        RecordingHandler b = new RecordingHandler();
        WebSocket first = await(client.connect(Loopback.uri(server, "/pub"), a));
        await(client.connect(Loopback.uri(server, "/pub"), b));
        Await.eventually("both subscribed", () -> server.subscriberCount("news") == 2);
        assertThat(server.publish("news", "from the server")).isEqualTo(2);
        assertThat(a.nextText()).isEqualTo("from the server");
        assertThat(b.nextText()).isEqualTo("from the server");
        first.send(new String(new byte[] {'h', 'i'}, StandardCharsets.US_ASCII));
        assertThat(b.nextText()).isEqualTo("hi");
        Route pub = metrics.of("/pub");
        assertThat(metrics.serverPublished).hasValue(2);
        Await.eventually("the socket's publish counted", () -> pub.published.get() == 1);
        Await.eventually("a keepalive round trip", () -> pub.pings.get() > 0);
    }

    @Test
    void connectionsWithPermessageDeflateAreAGauge() {
        server = Loopback.server().route("/echo", WebSocketHandler.echo()).start();
        client = WebSocketClient.builder().build(); // offers permessage-deflate by default
        WebSocketClient plain = WebSocketClient.builder()
                .config(WebSocketConfig.builder().compression(false).build())
                .build();
        WebSocketClient takeover = WebSocketClient.builder()
                .config(WebSocketConfig.builder()
                        .compression(
                                DeflateConfig.builder().contextTakeover(true).build())
                        .build())
                .build();
        try (plain;
                takeover) {
            assertThat(server.deflateConnections()).isZero();
            RecordingHandler compressed = new RecordingHandler();
            WebSocket a = await(client.connect(Loopback.uri(server, "/echo"), compressed));
            assertThat(a.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
            Await.eventually("one compressed connection", () -> server.deflateConnections() == 1);
            RecordingHandler uncompressed = new RecordingHandler();
            WebSocket b = await(plain.connect(Loopback.uri(server, "/echo"), uncompressed));
            assertThat(b.extensions()).isEmpty();
            RecordingHandler withTakeover = new RecordingHandler();
            WebSocket c = await(takeover.connect(Loopback.uri(server, "/echo"), withTakeover));
            c.send("x".repeat(4096)); // over the threshold: compressed both ways
            assertThat(withTakeover.nextText()).hasSize(4096);
            Await.eventually("three open", () -> server.connectionCount() == 3);
            assertThat(server.deflateConnections()).isEqualTo(2);

            a.close(1000, "bye");
            compressed.awaitClose();
            Await.eventually("the compressed one gone", () -> server.connectionCount() == 2);
            assertThat(server.deflateConnections()).isEqualTo(1);
            c.close(1000, "bye");
            withTakeover.awaitClose();
            Await.eventually("the other compressed one gone", () -> server.connectionCount() == 1);
            assertThat(server.deflateConnections()).isZero();
            b.close(1000, "bye");
            uncompressed.awaitClose();
            Await.eventually("all gone", () -> server.connectionCount() == 0);
            assertThat(server.deflateConnections()).isZero();
        }
    }

    @Test
    void everyLoopPassIsTimedUnderLoad() {
        Recorder metrics = new Recorder();
        server = Loopback.server()
                .eventLoops(2)
                .metrics(metrics)
                .route("/echo", WebSocketHandler.echo())
                .start();
        client = WebSocketClient.builder().build();
        RecordingHandler[] handlers = new RecordingHandler[4];
        WebSocket[] sockets = new WebSocket[handlers.length];
        for (int i = 0; i < handlers.length; i++) {
            handlers[i] = new RecordingHandler();
            sockets[i] = await(client.connect(Loopback.uri(server, "/echo"), handlers[i]));
        }
        long before = metrics.passes.get();
        int perSocket = 500;
        for (int n = 0; n < perSocket; n++) {
            for (WebSocket ws : sockets) {
                ws.send("load " + n);
            }
        }
        for (RecordingHandler h : handlers) {
            for (int n = 0; n < perSocket; n++) {
                assertThat(h.nextText()).isEqualTo("load " + n);
            }
        }
        // At least one pass per batch of reads; the echoes took passes on both loops.
        assertThat(metrics.passes.get() - before).isPositive();
        assertThat(metrics.passNanos.get()).isPositive();
        assertThat(metrics.passThreads).hasSize(2).allMatch(t -> t.startsWith("duplex-server-"));
        for (WebSocket ws : sockets) {
            ws.close(1000, "bye");
        }
        for (RecordingHandler h : handlers) {
            h.awaitClose();
        }
    }

    @Test
    void aBroadcastIsReportedOncePerPassAndRouteNotPerSubscriber() {
        Recorder metrics = new Recorder();
        server = Loopback.server()
                .eventLoops(1)
                .metrics(metrics)
                .route("/sub", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe("all");
                    }
                })
                .start();
        client = WebSocketClient.builder().build();
        int subscribers = 50;
        List<RecordingHandler> handlers = new java.util.ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            RecordingHandler h = new RecordingHandler();
            await(client.connect(Loopback.uri(server, "/sub"), h));
            handlers.add(h);
        }
        Await.eventually("all subscribed", () -> server.subscriberCount("all") == subscribers);
        Route sub = metrics.of("/sub");
        long reportsBefore = sub.outReports.get();
        long bytesReportsBefore = sub.bytesOutReports.get();
        assertThat(server.publish("all", "to everyone")).isEqualTo(subscribers);
        for (RecordingHandler h : handlers) {
            assertThat(h.nextText()).isEqualTo("to everyone");
        }
        // Counted before written: every subscriber has it, so the report is in.
        assertThat(sub.out).hasValue(subscribers);
        assertThat(sub.bytesOut.get()).isGreaterThanOrEqualTo(subscribers * (2 + 11L));
        // One fan-out task, one loop pass: one report for the route, not one per subscriber.
        assertThat(sub.outReports.get() - reportsBefore).isEqualTo(1);
        assertThat(sub.bytesOutReports.get() - bytesReportsBefore).isEqualTo(1);
    }
}
