package io.duplex.micrometer;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.UpgradeDecision;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link DuplexMetrics} on a {@link SimpleMeterRegistry}, over real sockets. */
class DuplexMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WebSocketServer server;
    WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void echoTrafficShowsUpAsCountersAndGauges() {
        DuplexMetrics metrics = new DuplexMetrics(registry);
        server = metrics.bind(Loopback.server()
                .metrics(metrics)
                .route("/echo", WebSocketHandler.echo())
                .routePrefix(
                        "/rooms/",
                        WebSocketHandler.echo(),
                        r -> r.path().endsWith("/locked")
                                ? UpgradeDecision.reject(403, "locked")
                                : UpgradeDecision.accept())
                .start());
        // Registered at start: a scrape shows zeros before any traffic.
        assertThat(count("duplex.connections.opened", "route", "/rooms/*")).isZero();

        DuplexMetrics clientMetrics = new DuplexMetrics(registry, "duplex.client", Tags.empty());
        client = WebSocketClient.builder().metrics(clientMetrics).build();
        RecordingHandler handler = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/rooms/alice-7"), handler));
        assertThat(registry.get("duplex.connections.open").gauge().value()).isEqualTo(1.0);
        for (int i = 0; i < 5; i++) {
            ws.send("message " + i);
            assertThat(handler.nextText()).isEqualTo("message " + i);
        }
        ws.close(4321, "done");
        assertThat(handler.awaitClose().code()).isEqualTo(4321);
        Await.eventually(
                "the close counted",
                () -> registry.find("duplex.connections.closed").counters().size() == 1);
        Await.eventually("the server empty", () -> server.connectionCount() == 0);

        assertThat(count("duplex.handshakes", "route", "/rooms/*", "status", "101", "outcome", "accepted"))
                .isEqualTo(1);
        assertThat(count("duplex.connections.opened", "route", "/rooms/*")).isEqualTo(1);
        assertThat(count("duplex.messages", "route", "/rooms/*", "direction", "in"))
                .isEqualTo(5);
        assertThat(count("duplex.messages", "route", "/rooms/*", "direction", "out"))
                .isEqualTo(5);
        assertThat(count("duplex.bytes", "route", "/rooms/*", "direction", "in"))
                .isGreaterThan(5 * 9);
        // An application close code is folded into its class: a peer cannot mint series.
        assertThat(count("duplex.connections.closed", "route", "/rooms/*", "code", "4xxx", "side", "remote"))
                .isEqualTo(1);
        assertThat(count("duplex.client.connections.closed", "route", "client", "code", "4xxx", "side", "local"))
                .isEqualTo(1);
        assertThat(count("duplex.client.messages", "route", "client", "direction", "out"))
                .isEqualTo(5);
        assertThat(registry.get("duplex.connections.open").gauge().value()).isZero();
        assertThat(registry.get("duplex.buffered.bytes").gauge().value()).isZero();
    }

    @Test
    void tagsNeverCarryWhatTheClientSent() throws Exception {
        DuplexMetrics metrics = new DuplexMetrics(registry);
        server = Loopback.server()
                .metrics(metrics)
                .routePrefix(
                        "/rooms/",
                        WebSocketHandler.echo(),
                        r -> r.path().contains("locked")
                                ? UpgradeDecision.reject(403, "locked")
                                : UpgradeDecision.accept())
                .start();
        for (int i = 0; i < 20; i++) {
            try (RawClient raw = RawClient.connect(server.port())) {
                String path = (i % 2 == 0 ? "/rooms/locked-" : "/elsewhere/") + i + "?token=secret" + i;
                assertThat(raw.upgrade(path)).startsWith(i % 2 == 0 ? "HTTP/1.1 403 " : "HTTP/1.1 404 ");
            }
        }
        Await.eventually(
                "all counted",
                () -> count("duplex.handshakes", "status", "403") + count("duplex.handshakes", "status", "404") == 20);
        Set<String> values = registry.getMeters().stream()
                .flatMap(m -> m.getId().getTags().stream())
                .map(t -> t.getValue())
                .collect(Collectors.toSet());
        assertThat(values).noneMatch(v -> v.contains("secret") || v.contains("locked-") || v.contains("elsewhere"));
        assertThat(registry.find("duplex.handshakes").counters()).hasSize(2);
        Meter.Id rejected = registry.get("duplex.handshakes")
                .tags("status", "404")
                .counter()
                .getId();
        assertThat(rejected.getTag("route")).isEqualTo(DuplexMetrics.UNROUTED);
        assertThat(rejected.getTag("outcome")).isEqualTo("rejected");
    }

    @Test
    void closeCodesAreFoldedIntoBoundedTags() {
        assertThat(DuplexMetrics.codeTag(1000)).isEqualTo("1000");
        assertThat(DuplexMetrics.codeTag(1015)).isEqualTo("1015");
        assertThat(DuplexMetrics.codeTag(3001)).isEqualTo("3xxx");
        assertThat(DuplexMetrics.codeTag(4999)).isEqualTo("4xxx");
        assertThat(DuplexMetrics.codeTag(2000)).isEqualTo("other");
        assertThat(DuplexMetrics.codeTag(999)).isEqualTo("other");
    }

    @Test
    void deflateConnectionsAndLoopPassesAreMetered() {
        DuplexMetrics metrics = new DuplexMetrics(registry);
        server = metrics.bind(Loopback.server()
                .metrics(metrics)
                .route("/echo", WebSocketHandler.echo())
                .start());
        assertThat(registry.get("duplex.deflate.connections").gauge().value()).isZero();
        client = WebSocketClient.builder().build(); // offers permessage-deflate by default
        RecordingHandler handler = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/echo"), handler));
        assertThat(ws.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
        assertThat(registry.get("duplex.deflate.connections").gauge().value()).isEqualTo(1.0);
        long passesBefore = registry.get("duplex.loop.pass").timer().count();
        String big = "compress me ".repeat(200); // over the 1 KiB threshold: deflated both ways
        for (int i = 0; i < 200; i++) {
            ws.send(big + i);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(handler.nextText()).isEqualTo(big + i);
        }
        io.micrometer.core.instrument.Timer passes =
                registry.get("duplex.loop.pass").timer();
        assertThat(passes.count()).isGreaterThan(passesBefore);
        assertThat(passes.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        ws.close(1000, "bye");
        handler.awaitClose();
        Await.eventually("the server empty", () -> server.connectionCount() == 0);
        assertThat(registry.get("duplex.deflate.connections").gauge().value()).isZero();
    }
}
