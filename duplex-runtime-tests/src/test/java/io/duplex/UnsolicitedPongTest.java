package io.duplex;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link WebSocket#pong}: an unsolicited Pong reaches the peer's onPong (RFC 6455 §5.5.3). */
class UnsolicitedPongTest {

    @Test
    void anUnsolicitedPongArrivesWithItsData() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        WebSocketServer server = Loopback.server().route("/ws", serverSide).start();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            RecordingHandler clientSide = new RecordingHandler();
            WebSocket ws = await(client.connect(Loopback.uri(server, "/ws"), clientSide));
            assertThat(ws.pong(ByteBuffer.wrap("beat".getBytes(StandardCharsets.UTF_8))))
                    .isEqualTo(SendResult.SENT);
            ByteBuffer got = serverSide.pongs.poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(StandardCharsets.UTF_8.decode(got).toString()).isEqualTo("beat");
            assertThatThrownBy(() -> ws.pong(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
            ws.close();
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
