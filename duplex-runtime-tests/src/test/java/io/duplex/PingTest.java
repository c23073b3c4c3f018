package io.duplex;

import static io.duplex.testkit.Await.await;
import static io.duplex.testkit.Await.poll;
import static io.duplex.testkit.RecordingHandler.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pings and pongs both ways (RFC 6455 §5.5.2–5.5.3) with the JDK client and ours. */
class PingTest extends LoopbackTest {
    RecordingHandler onServer;

    @BeforeEach
    void start() {
        onServer = new RecordingHandler();
        server = Loopback.server().route("/ws", onServer).start();
    }

    URI uri() {
        return Loopback.uri(server, "/ws");
    }

    @Test
    void jdkClientPingIsAnsweredAndSeenByTheServer() {
        JdkListener listener = new JdkListener();
        java.net.http.WebSocket ws = JdkListener.open(http, uri(), listener);
        await(ws.sendPing(bytes("hello")));
        assertThat(poll(listener.pongs)).isEqualTo(bytes("hello"));
        assertThat(poll(onServer.pings)).isEqualTo(bytes("hello"));
        await(ws.sendClose(1000, ""));
        assertThat(onServer.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void serverPingIsAnsweredByTheJdkClient() {
        JdkListener listener = new JdkListener();
        JdkListener.open(http, uri(), listener);
        WebSocket onServerSide = onServer.awaitOpen();
        assertThat(onServerSide.ping(bytes("from server"))).isEqualTo(SendResult.SENT);
        assertThat(poll(listener.pings)).isEqualTo(bytes("from server"));
        assertThat(poll(onServer.pongs)).isEqualTo(bytes("from server"));
    }

    @Test
    void ourClientPingGetsItsPong() {
        RecordingHandler onClient = new RecordingHandler();
        WebSocket ws = await(client.connect(uri(), onClient));
        assertThat(ws.ping(bytes("p1"))).isEqualTo(SendResult.SENT);
        assertThat(poll(onClient.pongs)).isEqualTo(bytes("p1"));
        assertThat(poll(onServer.pings)).isEqualTo(bytes("p1"));
        // An empty ping is legal too.
        assertThat(ws.ping(ByteBuffer.allocate(0))).isEqualTo(SendResult.SENT);
        assertThat(poll(onClient.pongs).remaining()).isZero();
    }

    @Test
    void serverPingIsAnsweredByOurClient() {
        RecordingHandler onClient = new RecordingHandler();
        await(client.connect(uri(), onClient));
        onServer.awaitOpen().ping(bytes("srv"));
        assertThat(poll(onClient.pings)).isEqualTo(bytes("srv"));
        assertThat(poll(onServer.pongs)).isEqualTo(bytes("srv"));
    }

    @Test
    void pingOver125BytesIsRefused() {
        WebSocket ws = await(client.connect(uri(), new RecordingHandler()));
        // RFC 6455 §5.5: control frames carry at most 125 bytes.
        assertThatThrownBy(() -> ws.ping(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ws.ping(ByteBuffer.allocate(125))).isEqualTo(SendResult.SENT);
    }
}
