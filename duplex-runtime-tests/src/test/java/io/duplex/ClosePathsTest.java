package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a connection ends (RFC 6455 §7): client-initiated and server-initiated close
 * handshakes, abort on either side (the other sees 1006), and codes a user may not send.
 */
class ClosePathsTest extends LoopbackTest {
    RecordingHandler onServer;

    @BeforeEach
    void start() {
        onServer = new RecordingHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                super.onText(ws, text);
                if (text.startsWith("close ")) {
                    ws.close(Integer.parseInt(text.substring(6)), "server says bye");
                } else if (text.equals("abort")) {
                    ws.abort();
                }
            }
        };
        server = Loopback.server()
                .config(WebSocketConfig.builder()
                        .closeTimeout(Duration.ofSeconds(2))
                        .build())
                .route("/ws", onServer)
                .start();
    }

    URI uri() {
        return Loopback.uri(server, "/ws");
    }

    @Test
    void jdkClientCloseReachesTheServerWithCodeAndReason() {
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws = JdkListener.open(http, uri(), listener);
        onServer.awaitOpen();
        await(ws.sendClose(4000, "client says bye"));
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(4000, "client says bye", true));
        // RFC 6455 §5.5.1: the server answers with a Close frame echoing the code.
        assertThat(await(listener.closed).code()).isEqualTo(4000);
        assertThat(onServer.closeCalls).hasValue(1);
    }

    @Test
    void ourClientCloseReachesTheServerWithCodeAndReason() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        ws.close(4001, "done here");
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(4001, "done here", true));
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(4001, "", true));
        assertThat(ws.readyState()).isEqualTo(ReadyState.CLOSED);
        Await.eventually("the server forgets the connection", () -> server.connectionCount() == 0);
    }

    @Test
    void serverCloseReachesTheJdkClient() {
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws = JdkListener.open(http, uri(), listener);
        await(ws.sendText("close 4002", true));
        assertThat(await(listener.closed)).isEqualTo(new RecordingHandler.Closed(4002, "server says bye", true));
        RecordingHandler.Closed onServerSide = onServer.awaitClose();
        assertThat(onServerSide.clean()).isTrue();
        assertThat(onServerSide.code()).isEqualTo(4002);
    }

    @Test
    void serverCloseReachesOurClient() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        ws.send("close 1001");
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "server says bye", true));
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1001, "", true));
        assertThat(ws.send("too late")).isEqualTo(SendResult.DROPPED);
        Await.eventually("the server forgets the connection", () -> server.connectionCount() == 0);
    }

    @Test
    void clientAbortIsSeenAs1006OnTheServer() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        onServer.awaitOpen();
        ws.abort();
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
    }

    @Test
    void jdkClientAbortIsSeenAs1006OnTheServer() {
        java.net.http.WebSocket ws = JdkListener.open(http, uri(), new JdkListener());
        onServer.awaitOpen();
        ws.abort();
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
    }

    @Test
    void serverAbortIsSeenAs1006ByOurClient() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        ws.send("abort");
        assertThat(onClient.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
        assertThat(onClient.closeCalls).hasValue(1);
    }

    @Test
    void serverAbortEndsTheJdkClient() {
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws = JdkListener.open(http, uri(), listener);
        await(ws.sendText("abort", true));
        // The JDK client reports a connection lost without a Close frame as onClose(1006).
        assertThat(await(listener.closed).code()).isEqualTo(1006);
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1006, "", false));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000})
    void codesThatMayNotBeSentAreRefused(int code) {
        WebSocket ws = await(client.connect(uri(), new RecordingHandler()));
        WebSocket onServerSide = onServer.awaitOpen();
        // RFC 6455 §7.4.1–7.4.2: 1005, 1006 and 1015 never go on the wire; others are reserved.
        assertThatThrownBy(() -> ws.close(code, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> onServerSide.close(code, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ws.readyState()).isEqualTo(ReadyState.OPEN);
        ws.send("still open");
        assertThat(onServer.nextText()).isEqualTo("still open");
    }

    @Test
    void reasonOver123BytesIsRefused() {
        WebSocket ws = await(client.connect(uri(), new RecordingHandler()));
        assertThatThrownBy(() -> ws.close(1000, "é".repeat(62))).isInstanceOf(IllegalArgumentException.class);
        ws.close(1000, "x".repeat(123));
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(1000, "x".repeat(123), true));
    }

    @Test
    void closingTwiceIsHarmless() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        ws.close(4003, "first");
        ws.close(4004, "second");
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(4003, "first", true));
        assertThat(onClient.awaitClose().code()).isEqualTo(4003);
        assertThat(onClient.closeCalls).hasValue(1);
    }
}
