package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.WebSocketServer;
import io.duplex.redis.RedisBroker;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Duplex Socket.IO nodes, each with its own {@link RedisBroker} on one real redis-server, and
 * {@code socket.io-client} 4.8 on each: rooms, {@code except}, binary attachments and private
 * messages (a socket id's room) cross from node A to WebSocket and polling members on node B.
 */
class RedisClusterInteropTest {
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

    WebSocketServer node(String name) {
        RedisBroker broker = RedisBroker.builder()
                .uri("redis://127.0.0.1:" + redis.port)
                .nodeId(name)
                .build();
        SocketIoServer io = SocketIoServer.builder().broker(broker).build();
        io.sockets().on("connection", s -> {
            s.on("join", RelayedJoin.on(s, redis));
            s.on(
                    "to-room",
                    (args, ack) ->
                            ack.send(io.sockets().to((String) args.get(0)).emit("news", args.get(1))));
            s.on(
                    "to-room-except",
                    (args, ack) -> ack.send(io.sockets()
                            .to((String) args.get(0))
                            .except((String) args.get(1))
                            .emit("except-news", args.get(2))));
            s.on("everyone", (args, ack) -> ack.send(io.sockets().emit("all", args.get(0))));
            s.on(
                    "binary-to-room",
                    (args, ack) -> ack.send(
                            io.sockets().to((String) args.get(0)).emit("bin", "bytes", new byte[] {1, 2, (byte) 255})));
            s.on(
                    "dm",
                    (args, ack) ->
                            ack.send(io.sockets().to((String) args.get(0)).emit("dm", args.get(1))));
        });
        WebSocketServer server = io.attach(Loopback.server()).start();
        closing.add(broker);
        closing.add(io);
        closing.add(() -> server.stop(Duration.ofSeconds(5)));
        return server;
    }

    @Test
    void broadcastsOnNodeAReachMembersOnNodeB() throws Exception {
        NodeClientInteropTest.requireNode();
        redis = RedisServer.start(null);
        WebSocketServer a = node("node-a");
        WebSocketServer b = node("node-b");
        Await.eventually("both nodes relay the namespace's control topic", () -> redis.numsub("duplex:sio#/") == 2);

        JsonNode out = NodeScenarios.run("cluster", "http://127.0.0.1:" + a.port(), "http://127.0.0.1:" + b.port());

        assertThat(out.path("news").toString()).isEqualTo("[\"hello r\",\"hello r\",\"hello r\"]");
        assertThat(out.path("countOnA").asInt()).as("no member of r on node A").isZero();
        assertThat(out.path("except").toString()).isEqualTo("[\"not for muted\",\"not for muted\"]");
        assertThat(out.path("all").asText()).isEqualTo("to all");
        assertThat(out.path("cGotExcept").asBoolean()).isFalse();
        assertThat(out.path("binary").toString()).isEqualTo("[[\"bytes\",\"0102ff\"],[\"bytes\",\"0102ff\"]]");
        assertThat(out.path("dm").asText()).isEqualTo("psst");
    }
}
