package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6455 §4.2.2: the server picks one subprotocol the client offered, by its own preference. */
class SubprotocolTest {
    WebSocketServer server;
    RecordingHandler onServer;
    WebSocketClient client;

    @BeforeEach
    void start() {
        onServer = new RecordingHandler();
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .subprotocols("chat.v2", "chat")
                        .build())
                .route("/ws", onServer)
                .route("/legacy", onServer, request -> UpgradeDecision.accept("chat", null))
                .start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void jdkClientGetsTheServersPreference() {
        java.net.http.WebSocket ws = await(HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("chat", "chat.v2")
                .buildAsync(Loopback.uri(server, "/ws"), new JdkListener()));
        assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
        assertThat(onServer.awaitOpen().subprotocol()).isEqualTo("chat.v2");
    }

    @Test
    void ourClientGetsTheServersPreference() {
        client = WebSocketClient.builder().subprotocols("chat", "chat.v2").build();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        assertThat(ws.subprotocol()).isEqualTo("chat.v2");
        assertThat(onServer.awaitOpen().subprotocol()).isEqualTo("chat.v2");
    }

    @Test
    void noCommonSubprotocolMeansNone() {
        client = WebSocketClient.builder().subprotocols("mqtt").build();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        assertThat(ws.subprotocol()).isNull();
        assertThat(onServer.awaitOpen().subprotocol()).isNull();
    }

    @Test
    void clientOfferingOnlyTheOlderOneGetsIt() {
        client = WebSocketClient.builder().subprotocols("chat").build();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), new RecordingHandler()));
        assertThat(ws.subprotocol()).isEqualTo("chat");
    }

    @Test
    void upgraderMayOverrideTheChoice() {
        client = WebSocketClient.builder().subprotocols("chat", "chat.v2").build();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/legacy"), new RecordingHandler()));
        assertThat(ws.subprotocol()).isEqualTo("chat");
        assertThat(onServer.awaitOpen().subprotocol()).isEqualTo("chat");
    }
}
