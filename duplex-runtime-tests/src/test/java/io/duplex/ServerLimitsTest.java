package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connection limits (503 with Retry-After) and routing (404) on the server. */
class ServerLimitsTest {
    WebSocketServer server;
    WebSocketClient client;

    @BeforeEach
    void start() {
        client = WebSocketClient.builder().build();
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    static HandshakeException refusal(java.util.concurrent.CompletableFuture<WebSocket> connecting) {
        Throwable t = Await.catchFailure(connecting);
        assertThat(t).isInstanceOf(HandshakeException.class);
        return (HandshakeException) t;
    }

    @Test
    void connectionsOverTheLimitGet503WithRetryAfter() throws Exception {
        server = Loopback.server()
                .config(WebSocketConfig.builder().maxConnections(2).build())
                .route("/ws", WebSocketHandler.echo())
                .start();
        WebSocket first = await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        HandshakeException third = refusal(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.headers().first("Retry-After")).isEqualTo("1");
        // The JDK client sees the same answer.
        assertThat(JdkListener.refusedStatus(HttpClient.newHttpClient(), Loopback.uri(server, "/ws")))
                .isEqualTo(503);
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1\r\n");
        }
        // A freed slot can be used again.
        first.close();
        Await.eventually("the closed connection is released", () -> server.connectionCount() == 1);
        RecordingHandler onClient = new RecordingHandler();
        WebSocket again = await(client.connect(Loopback.uri(server, "/ws"), onClient));
        again.send("echo");
        assertThat(onClient.nextText()).isEqualTo("echo");
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .maxConnections(10)
                        .maxConnectionsPerAddress(2)
                        .build())
                .route("/ws", WebSocketHandler.echo())
                .start();
        await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        assertThat(refusal(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()))
                        .status())
                .isEqualTo(503);
        // Another address (all of 127.0.0.0/8 is loopback) still gets in.
        try (RawClient other = RawClient.connect(server.port(), InetAddress.getByName("127.0.0.2"), 0)) {
            assertThat(other.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
        }
        assertThat(server.connectionCount()).isLessThanOrEqualTo(3);
    }

    @Test
    void unknownPathGets404() {
        server = Loopback.server().route("/ws", WebSocketHandler.echo()).start();
        assertThat(refusal(client.connect(Loopback.uri(server, "/nope"), new RecordingHandler()))
                        .status())
                .isEqualTo(404);
        assertThat(JdkListener.refusedStatus(HttpClient.newHttpClient(), Loopback.uri(server, "/nope")))
                .isEqualTo(404);
        Await.eventually("refused connections are released", () -> server.connectionCount() == 0);
    }

    @Test
    void wildcardRouteCatchesOtherPaths() {
        RecordingHandler onServer = new RecordingHandler();
        server = Loopback.server()
                .route("/ws", WebSocketHandler.echo())
                .route("*", onServer)
                .start();
        await(client.connect(Loopback.uri(server, "/anything/else?x=1"), new RecordingHandler()));
        assertThat(onServer.awaitOpen().path()).isEqualTo("/anything/else");
    }
}
