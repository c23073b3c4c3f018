package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our server against the JDK's own {@link java.net.http.WebSocket} client and against our client. */
class EchoServerTest {
    static WebSocketServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .config(WebSocketConfig.builder()
                        .maxMessageSize(32 << 20)
                        .maxFrameSize(32 << 20)
                        .outboundLimit(64 << 20)
                        .build())
                .route("/echo", WebSocketHandler.echo())
                .start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo");
    }

    /** A JDK client listener collecting whole messages. */
    static final class Collector implements java.net.http.WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private ByteBuffer binary = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer grown = ByteBuffer.allocate(binary.remaining() + data.remaining());
            grown.put(binary).put(data).flip();
            binary = grown;
            if (last) {
                messages.add(binary);
                binary = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20})
    void jdkClientEchoesTextAndBinary(int size) throws Exception {
        Collector c = new Collector();
        java.net.http.WebSocket ws =
                http.newWebSocketBuilder().buildAsync(uri(), c).get(10, TimeUnit.SECONDS);
        String text = "é".repeat(size / 2) + "a".repeat(size % 2);
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        assertThat(c.messages.poll(20, TimeUnit.SECONDS)).isEqualTo(text);
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        assertThat(c.messages.poll(20, TimeUnit.SECONDS)).isEqualTo(ByteBuffer.wrap(bytes));
        ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 ");
    }

    @Test
    void jdkClientFragmentedMessageIsAssembled() throws Exception {
        Collector c = new Collector();
        java.net.http.WebSocket ws =
                http.newWebSocketBuilder().buildAsync(uri(), c).get(10, TimeUnit.SECONDS);
        ws.sendText("hel", false).get(10, TimeUnit.SECONDS);
        ws.sendText("lo ", false).get(10, TimeUnit.SECONDS);
        ws.sendText("world", true).get(10, TimeUnit.SECONDS);
        assertThat(c.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("hello world");
        ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        c.closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void ourClientEchoes() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket ws = client.connect(uri(), new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket s, String text) {
                            got.add(text);
                        }

                        @Override
                        public void onClose(WebSocket s, int code, String reason, boolean clean) {
                            closed.complete(code + " " + reason + " " + clean);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 100; i++) {
                assertThat(ws.send("m" + i)).isNotEqualTo(SendResult.DROPPED);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("m" + i);
            }
            ws.close(1000, "done");
            // onClose reports the peer's close frame, as browsers do: the code echoed, no reason.
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000  true");
        }
    }

    @Test
    void ourClientStreamsAFragmentedMessage() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            WebSocket ws = client.connect(uri(), WebSocketHandler.onText((s, t) -> got.add(t)))
                    .get(10, TimeUnit.SECONDS);
            ws.sendFragment(ByteBuffer.wrap("stream".getBytes(StandardCharsets.UTF_8)), true, false);
            ws.ping(ByteBuffer.allocate(0)); // control frames may interleave (RFC 6455 §5.4)
            ws.sendFragment(ByteBuffer.wrap("ed ".getBytes(StandardCharsets.UTF_8)), true, false);
            ws.sendFragment(ByteBuffer.wrap("é".getBytes(StandardCharsets.UTF_8)), true, true);
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("streamed é");
            ws.close();
        }
    }
}
