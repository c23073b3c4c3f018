package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RawClient;
import io.duplex.testkit.RecordingHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server against hand-made bytes: what a well-behaved library client would never send. */
class RawProtocolTest {
    WebSocketServer server;
    RecordingHandler onServer;

    @BeforeEach
    void start() {
        onServer = new RecordingHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                super.onText(ws, text);
                ws.send(text);
            }
        };
        server = Loopback.server().route("/ws", onServer).start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void framesInTheSameWriteAsTheRequestAreNotLost() throws IOException {
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(RawClient.upgradeRequest("/ws", server.port()).getBytes(StandardCharsets.US_ASCII));
            // A masked "hi" (RFC 6455 §5.7 example mask).
            both.write(new byte[] {(byte) 0x81, (byte) 0x82, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x5f, (byte) 0x93});
            raw.out.write(both.toByteArray());
            raw.out.flush();
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101 ");
            RawClient.Frame echo = raw.readFrame();
            assertThat(echo.opcode()).isEqualTo(RawClient.TEXT);
            assertThat(echo.text()).isEqualTo("hi");
        }
    }

    @Test
    void unmaskedClientFrameFailsTheConnectionWith1002() throws IOException {
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            raw.out.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
            raw.out.flush();
            // RFC 6455 §5.1: a server must close the connection on an unmasked frame.
            RawClient.Frame close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(RawClient.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
        }
        RecordingHandler.Closed closed = onServer.awaitClose();
        assertThat(closed.code()).isEqualTo(1002);
        assertThat(closed.clean()).isFalse();
        assertThat(onServer.texts).isEmpty();
    }

    @Test
    void clientCloseIsAnsweredThenTheServerClosesTcp() throws IOException {
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            assertThat(raw.upgrade("/ws")).startsWith("HTTP/1.1 101 ");
            raw.sendClose(4100, "raw bye");
            RawClient.Frame answer = raw.readFrame();
            assertThat(answer.opcode()).isEqualTo(RawClient.CLOSE);
            assertThat(answer.closeCode()).isEqualTo(4100);
            // RFC 6455 §7.1.1: the server closes the TCP connection first.
            assertThat(raw.awaitEnd(Await.WAIT)).isTrue();
        }
        assertThat(onServer.awaitClose()).isEqualTo(new RecordingHandler.Closed(4100, "raw bye", true));
    }

    @Test
    void requestWithoutTheWebSocketHeadersIsRefused() throws IOException {
        try (RawClient raw = RawClient.connect(server.port(), null, 0)) {
            raw.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(raw.readToEnd()).matches("(?s)HTTP/1\\.1 (400|426) .*");
        }
        Await.eventually("released", () -> server.connectionCount() == 0);
    }
}
