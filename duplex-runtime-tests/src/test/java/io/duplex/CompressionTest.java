package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.deflate.DeflateConfig;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** permessage-deflate negotiated by default between our client and server (RFC 7692). */
class CompressionTest {
    static WebSocketServer server;

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(1)
                .config(WebSocketConfig.builder()
                        .maxMessageSize(4 << 20)
                        .maxFrameSize(4 << 20)
                        .outboundLimit(16 << 20)
                        .build())
                .route("/echo", WebSocketHandler.echo())
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    static String json(int size) {
        StringBuilder sb = new StringBuilder("[");
        Random r = new Random(size);
        while (sb.length() < size) {
            sb.append("{\"user\":\"u")
                    .append(r.nextInt(100))
                    .append("\",\"text\":\"hello world\",\"n\":")
                    .append(r.nextInt(1000))
                    .append("},");
        }
        return sb.substring(0, size);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void compressedEchoRoundTrips(boolean contextTakeover) throws Exception {
        WebSocketConfig config = WebSocketConfig.builder()
                .maxMessageSize(4 << 20)
                .maxFrameSize(4 << 20)
                .outboundLimit(16 << 20)
                .compression(
                        DeflateConfig.builder().contextTakeover(contextTakeover).build())
                .build();
        try (WebSocketClient client = WebSocketClient.builder().config(config).build()) {
            LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
            WebSocket ws = client.connect(
                            URI.create("ws://127.0.0.1:" + server.port() + "/echo"), new WebSocketHandler() {
                                @Override
                                public void onText(WebSocket s, String text) {
                                    got.add(text);
                                }

                                @Override
                                public void onBinary(WebSocket s, ByteBuffer data) {
                                    got.add(ByteBuffer.allocate(data.remaining())
                                            .put(data)
                                            .flip());
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            assertThat(ws.extensions()).singleElement().asString().startsWith("permessage-deflate");
            for (int size : new int[] {0, 10, 1023, 1024, 2048, 64 * 1024, 1 << 20}) {
                String text = json(size);
                ws.send(text);
                assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(text);
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes());
                ws.send(bytes.duplicate());
                assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(bytes);
            }
            ws.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void clientWithoutCompressionNegotiatesNone(boolean on) throws Exception {
        try (WebSocketClient client = WebSocketClient.builder()
                .config(WebSocketConfig.builder().compression(on).build())
                .build()) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            WebSocket ws = client.connect(
                            URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                            WebSocketHandler.onText((s, t) -> got.add(t)))
                    .get(10, TimeUnit.SECONDS);
            assertThat(ws.extensions()).isEmpty();
            ws.send(json(5000));
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(json(5000));
            ws.close();
        }
    }
}
