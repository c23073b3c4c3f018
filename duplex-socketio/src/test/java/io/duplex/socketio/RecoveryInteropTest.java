package io.duplex.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connection state recovery with {@code socket.io-client} 4.8: the client's transport is closed,
 * the server emits while it is away (to a room it is in, to its id, to the old socket, and to a
 * room it is not in), the client reconnects: the missed events arrive once, in order, {@code
 * socket.recovered} is true on both sides, with the same id, rooms and data.
 */
class RecoveryInteropTest {
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

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void missedEventsAreReplayedOnceInOrder(String transport) throws Exception {
        io = SocketIoServer.builder()
                .connectionStateRecovery(Duration.ofMinutes(2))
                .build();
        run(transport);
    }

    /**
     * With {@code skipMiddlewares(false)} a recovering socket goes through the middleware (here
     * answering later, from another thread); the events emitted meanwhile are not missed either.
     */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void missedEventsAreReplayedThroughTheMiddleware(String transport) throws Exception {
        io = SocketIoServer.builder()
                .connectionStateRecovery(Duration.ofMinutes(2))
                .skipMiddlewares(false)
                .build();
        io.sockets().use((socket, next) -> CompletableFuture.runAsync(next::proceed));
        run(transport);
    }

    private void run(String transport) throws Exception {
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
                io.sockets().to("r").emit("missed", 5);
                ack.send();
            });
            s.onDisconnect(reason -> {
                io.sockets().to("r").emit("missed", 1);
                io.sockets().to("r").emit("missed", 2);
                io.sockets().to(s.id()).emit("missed", 3);
                s.emit("missed", 4);
                io.sockets().except("r").emit("missed", 99);
            });
        });
        server = io.attach(Loopback.server()).start();

        JsonNode out = NodeScenarios.run("recovery", "http://127.0.0.1:" + server.port(), transport);

        assertThat(out.path("firstRecovered").asBoolean()).isFalse();
        assertThat(out.path("recovered").asBoolean()).isTrue();
        assertThat(out.path("sameId").asBoolean()).isTrue();
        assertThat(out.path("serverRecovered").asBoolean()).isTrue();
        assertThat(out.path("data").asText()).isEqualTo("alice");
        // 1–4 missed (replayed, or live if the server emitted them after the client was back),
        // then 5 live: once each, in order.
        assertThat(out.path("missed").toString()).isEqualTo("[1,2,3,4,5]");
    }
}
