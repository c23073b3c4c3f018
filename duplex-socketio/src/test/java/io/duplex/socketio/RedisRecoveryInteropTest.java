package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.redis.RedisStreamEngine;
import io.duplex.testkit.Await;
import io.duplex.testkit.BrowserPrerequisites;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.ScriptProcess;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery across nodes: two nodes, each with a {@link RedisStreamEngine} (and a
 * {@link RedisBroker}) on one real redis-server; {@code socket.io-client} 4.8 connects to node A,
 * node A goes down (its WebSocket server stops: the transport closes on the server's side), node B
 * emits while the client is away, and the client comes back to node B.
 */
class RedisRecoveryInteropTest {
    RedisServer redis;
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Node B of the scenario running ({@link #across} sets it). */
    Node nodeB;

    record Node(SocketIoServer io, WebSocketServer server) {
        String url() {
            return "http://127.0.0.1:" + server.port();
        }
    }

    Node node(String name, Duration maxDisconnection) {
        String uri = "redis://127.0.0.1:" + redis.port;
        RedisBroker broker = RedisBroker.builder().uri(uri).nodeId(name).build();
        SocketIoServer io = SocketIoServer.builder()
                .broker(broker)
                .connectionStateRecovery(maxDisconnection)
                .recoveryEngine(RedisStreamEngine.builder().uri(uri).build())
                .build();
        io.sockets().on("connection", s -> {
            if (!s.recovered()) {
                s.data().put("name", "alice");
                s.emit("welcome");
            }
            s.on("join", (args, ack) -> {
                s.join((String) args.get(0));
                ack.send("joined");
            });
            s.on("state", (args, ack) -> ack.send(s.recovered(), s.data().get("name")));
            s.on("emit-live", (args, ack) -> {
                io.sockets().to("r").emit("missed", 4);
                ack.send();
            });
        });
        WebSocketServer server = io.attach(Loopback.server()).start();
        closing.add(broker);
        closing.add(io);
        closing.add(() -> server.stop(Duration.ofSeconds(5)));
        return new Node(io, server);
    }

    boolean exists(String key) {
        try {
            return ((Long) redis.command("EXISTS", key)) == 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs scenario {@code across} in {@code mode}; {@code whileAway} runs when the client's transport is gone. */
    JsonNode across(String mode, Duration maxDisconnection, WhileAway whileAway) throws Exception {
        return across(mode, maxDisconnection, whileAway, () -> {});
    }

    JsonNode across(String mode, Duration maxDisconnection, WhileAway whileAway, Runnable whenBack) throws Exception {
        NodeClientInteropTest.requireNode();
        redis = RedisServer.start(null);
        Node a = node("node-a", maxDisconnection);
        Node b = node("node-b", maxDisconnection);
        nodeB = b;
        ObjectMapper json = new ObjectMapper();
        Path log = Path.of("target", "node-logs", "scenario-across-" + mode + ".log")
                .toAbsolutePath();
        List<String> command = List.of(
                BrowserPrerequisites.node().orElseThrow().toString(), "scenario.js", "across", a.url(), b.url(), mode);
        try (ScriptProcess p = ScriptProcess.start(command, NodeClientInteropTest.NODE_DIR, log)) {
            JsonNode ready = json.readTree(p.nextLine(Duration.ofSeconds(30)));
            assertThat(ready.path("step").asText())
                    .as("%s; stderr: %s", ready, p.stderr())
                    .isEqualTo("ready");
            String id = ready.path("id").asText();
            String sessionKey = "duplex:{sio@s." + ready.path("pid").asText() + "}:l";
            a.server().stop(Duration.ofSeconds(5)); // node A goes away: the transport closes
            JsonNode away = json.readTree(p.nextLine(Duration.ofSeconds(30)));
            assertThat(away.path("reason").asText()).isEqualTo("transport close");
            // Node A kept the session where node B can read it.
            Await.eventually("the session is kept on Redis", () -> exists(sessionKey));
            whileAway.run(b.io(), id, sessionKey);
            p.tell("go");
            JsonNode out;
            while (true) {
                String line = p.nextLine(Duration.ofSeconds(30));
                assertThat(line).as("stderr: %s", p.stderr()).isNotNull();
                out = json.readTree(line);
                if (!out.path("step").asText().equals("back")) {
                    break;
                }
                whenBack.run();
            }
            assertThat(out.has("error")).as("%s", out.path("error").asText()).isFalse();
            p.tell("exit");
            return out;
        }
    }

    interface WhileAway {
        void run(SocketIoServer nodeB, String socketId, String sessionKey) throws Exception;
    }

    static void emitMissed(SocketIoServer b, String id) {
        b.sockets().to("r").emit("missed", 1);
        b.sockets().to(id).emit("missed", 2);
        b.sockets().except("r").emit("missed", 99);
        b.sockets().to("r").emit("missed", 3, new byte[] {1, 2, (byte) 255});
    }

    /**
     * {@link #emitMissed}, then waits until node B has delivered all four. A node hands a broadcast
     * to its sockets from the namespace's stream on Redis, a round trip after the emit (as the
     * reference redis-streams adapter does), so a fresh socket that connects right after the emit
     * calls may still be handed 99 live — what a client that must start fresh then reports is a
     * race, not the server's answer. A probe on node B that gets a marker emitted after the four
     * knows they are through (one stream, delivered in order).
     */
    void emitMissedDelivered(SocketIoServer b, String id) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .build();
        Socket probe = IO.socket(URI.create(nodeB.url()), options);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> marker = new CompletableFuture<>();
        probe.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
        probe.on(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(new AssertionError(a[0])));
        probe.on("probe-marker", a -> marker.complete(null));
        probe.connect();
        try {
            Await.await(connected);
            emitMissed(b, id);
            b.sockets().emit("probe-marker");
            Await.await(marker);
        } finally {
            probe.close();
        }
    }

    @Test
    void clientRecoversOnAnotherNode() throws Exception {
        JsonNode out = across("recover", Duration.ofMinutes(2), (b, id, key) -> emitMissed(b, id));

        assertThat(out.path("recovered").asBoolean()).isTrue();
        assertThat(out.path("sameId").asBoolean()).isTrue();
        assertThat(out.path("serverRecovered").asBoolean()).isTrue();
        assertThat(out.path("data").asText()).isEqualTo("alice");
        // 1–3 emitted on node B while the client was away, replayed once in order; 4 live.
        assertThat(out.path("missed").toString()).isEqualTo("[1,2,3,4]");
        assertThat(out.path("binary").toString()).isEqualTo("[\"0102ff\"]");
    }

    @Test
    void eventsEmittedDuringTheReconnectArriveOnceInOrder() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        closing.add(ticker::shutdownNow);
        SocketIoServer[] nodeB = new SocketIoServer[1];
        JsonNode out = across(
                "ticks",
                Duration.ofMinutes(2),
                (b, id, key) -> {
                    nodeB[0] = b;
                    // A tick to the room every 2 ms, from while the client is away until after it
                    // is back: some are replayed, some race the recovery, the rest are live.
                    ticker.scheduleAtFixedRate(
                            () -> b.sockets().to("r").emit("tick", sent.incrementAndGet()),
                            0,
                            2,
                            TimeUnit.MILLISECONDS);
                    int before = sent.get();
                    Await.eventually("ticks while away", () -> sent.get() >= before + 50);
                },
                () -> {
                    int back = sent.get();
                    Await.eventually("ticks after the reconnect", () -> sent.get() >= back + 200);
                    ticker.shutdown();
                    Await.eventually("the ticker stopped", ticker::isTerminated);
                    nodeB[0].sockets().to("r").emit("tick-end", sent.get());
                });

        assertThat(out.path("recovered").asBoolean()).isTrue();
        assertThat(out.path("ticks").path("exact").asBoolean())
                .as("ticks 1..n once each, in order: %s", out.path("ticks"))
                .isTrue();
        assertThat(out.path("ticks").path("last").asInt()).isGreaterThanOrEqualTo(250);
    }

    @Test
    void unknownSessionGetsAFreshSocket() throws Exception {
        JsonNode out = across("unknown", Duration.ofMinutes(2), (b, id, key) -> emitMissedDelivered(b, id));

        assertThat(out.path("recovered").asBoolean()).isFalse();
        assertThat(out.path("sameId").asBoolean()).isFalse();
        assertThat(out.path("serverRecovered").asBoolean()).isFalse();
        assertThat(out.path("missed").toString()).isEqualTo("[4]");
    }

    @Test
    void expiredSessionGetsAFreshSocket() throws Exception {
        JsonNode out = across("expired", Duration.ofSeconds(1), (b, id, key) -> {
            emitMissedDelivered(b, id);
            Await.eventually("the session expired on Redis", () -> !exists(key));
        });

        assertThat(out.path("recovered").asBoolean()).isFalse();
        assertThat(out.path("sameId").asBoolean()).isFalse();
        assertThat(out.path("missed").toString()).isEqualTo("[4]");
    }

    @Test
    void malformedOffsetGetsAFreshSocket() throws Exception {
        JsonNode out = across("malformed", Duration.ofMinutes(2), (b, id, key) -> emitMissedDelivered(b, id));

        assertThat(out.path("recovered").asBoolean()).isFalse();
        assertThat(out.path("sameId").asBoolean()).isFalse();
        assertThat(out.path("serverRecovered").asBoolean()).isFalse();
        assertThat(out.path("data").asText()).isEqualTo("alice");
        assertThat(out.path("missed").toString()).isEqualTo("[4]");
    }
}
