package io.duplex;

import static io.duplex.Recorder.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.handshake.HandshakeException;
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
        Throwable t = Recorder.catchFailure(connecting);
        assertThat(t).isInstanceOf(HandshakeException.class);
        return (HandshakeException) t;
    }

    @Test
    void connectionsOverTheLimitGet503WithRetryAfter() throws Exception {
        server = Recorder.server()
                .config(WebSocketConfig.builder().maxConnections(2).build())
                .route("/ws", WebSocketHandler.echo())
                .start();
        WebSocket first = await(client.connect(Recorder.uri(server, "/ws"), new Recorder()));
        await(client.connect(Recorder.uri(server, "/ws"), new Recorder()));
        HandshakeException third = refusal(client.connect(Recorder.uri(server, "/ws"), new Recorder()));
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.headers().first("Retry-After")).isEqualTo("1");
        // The JDK client sees the same answer.
        assertThat(JdkListener.refusedStatus(HttpClient.newHttpClient(), Recorder.uri(server, "/ws")))
                .isEqualTo(503);
        try (RawClient raw = RawClient.connect(server.port())) {
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1\r\n");
        }
        // A freed slot can be used again.
        first.close();
        Recorder.eventually("the closed connection is released", () -> server.connectionCount() == 1);
        Recorder onClient = new Recorder();
        WebSocket again = await(client.connect(Recorder.uri(server, "/ws"), onClient));
        again.send("echo");
        assertThat(onClient.nextText()).isEqualTo("echo");
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        server = Recorder.server()
                .config(WebSocketConfig.builder()
                        .maxConnections(10)
                        .maxConnectionsPerAddress(2)
                        .build())
                .route("/ws", WebSocketHandler.echo())
                .start();
        await(client.connect(Recorder.uri(server, "/ws"), new Recorder()));
        await(client.connect(Recorder.uri(server, "/ws"), new Recorder()));
        assertThat(refusal(client.connect(Recorder.uri(server, "/ws"), new Recorder()))
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
        server = Recorder.server().route("/ws", WebSocketHandler.echo()).start();
        assertThat(refusal(client.connect(Recorder.uri(server, "/nope"), new Recorder()))
                        .status())
                .isEqualTo(404);
        assertThat(JdkListener.refusedStatus(HttpClient.newHttpClient(), Recorder.uri(server, "/nope")))
                .isEqualTo(404);
        Recorder.eventually("refused connections are released", () -> server.connectionCount() == 0);
    }

    @Test
    void wildcardRouteCatchesOtherPaths() {
        Recorder onServer = new Recorder();
        server = Recorder.server()
                .route("/ws", WebSocketHandler.echo())
                .route("*", onServer)
                .start();
        await(client.connect(Recorder.uri(server, "/anything/else?x=1"), new Recorder()));
        assertThat(onServer.awaitOpen().path()).isEqualTo("/anything/else");
    }
}
