package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.UpgradeDecision;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** The subprotocol rule, and the protocol spoken by a client we did not write (the JDK's). */
class TopicsHandshakeTest extends TopicsServer {

    /** Collects whole text messages from the JDK client. */
    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next(String type) {
            JsonNode m = Peer.parse(Await.poll(texts));
            assertThat(m.path("type").asText()).as(m.toString()).isEqualTo(type);
            return m;
        }
    }

    private CompletableFuture<WebSocket> jdk(Listener listener, String... subprotocols) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(Loopback.uri(server, "/topics"), listener);
    }

    @Test
    void theJdkClientOfferingTheSubprotocolSpeaksTheProtocol() {
        Listener l = new Listener();
        WebSocket ws = Await.await(jdk(l, "other", TopicsHandler.SUBPROTOCOL));
        assertThat(ws.getSubprotocol()).isEqualTo(TopicsHandler.SUBPROTOCOL);
        ws.sendText("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.jdk\"}", true);
        assertThat(l.next("subscribed").get("id").asInt()).isEqualTo(1);
        ws.sendText("{\"type\":\"publish\",\"id\":2,\"topic\":\"chat.jdk\",\"data\":{\"text\":\"hi\"}}", true);
        // The pub and the acknowledgement may come in either order.
        JsonNode a = Peer.parse(Await.poll(l.texts));
        JsonNode b = Peer.parse(Await.poll(l.texts));
        JsonNode pub = a.get("type").asText().equals("pub") ? a : b;
        JsonNode ack = pub == a ? b : a;
        assertThat(ack.get("type").asText()).isEqualTo("published");
        assertThat(pub.get("data").toString()).isEqualTo("{\"text\":\"hi\"}");
        ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1}), true);
        assertThat(l.next("error").get("code").asInt()).isEqualTo(4000);
        ws.sendText("{\"type\":\"ping\",\"id\":3}", true);
        assertThat(l.next("pong").get("id").asInt()).isEqualTo(3);
        ws.abort();
    }

    @Test
    void aClientOfferingNoSubprotocolIsServed() {
        Listener l = new Listener();
        WebSocket ws = Await.await(jdk(l));
        assertThat(ws.getSubprotocol()).isEmpty();
        ws.sendText("{\"type\":\"ping\"}", true);
        l.next("pong");
        ws.abort();
    }

    @Test
    void aClientOfferingOnlyOtherSubprotocolsIsRefusedWith400() {
        Throwable t = catchThrowable(() -> jdk(new Listener(), "chat", "mqtt").join());
        assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode())
                .isEqualTo(400);
    }

    @Test
    void theApplicationsUpgraderDecidesAfterTheSubprotocolRule() {
        TopicsHandler topics = TopicsHandler.builder().build();
        try (WebSocketServer s = Loopback.server()
                .route(
                        "/t",
                        topics,
                        TopicsHandler.upgrader(r -> "let-me-in".equals(r.queryParameter("token"))
                                ? UpgradeDecision.accept("alice")
                                : UpgradeDecision.reject(401, "who are you")))
                .start()) {
            topics.bind(s);
            HttpClient http = HttpClient.newHttpClient();
            Throwable refused = catchThrowable(() -> http.newWebSocketBuilder()
                    .subprotocols(TopicsHandler.SUBPROTOCOL)
                    .buildAsync(Loopback.uri(s, "/t"), new Listener())
                    .join());
            assertThat(((WebSocketHandshakeException) refused.getCause())
                            .getResponse()
                            .statusCode())
                    .isEqualTo(401);
            WebSocket ws = Await.await(http.newWebSocketBuilder()
                    .subprotocols(TopicsHandler.SUBPROTOCOL)
                    .buildAsync(java.net.URI.create(Loopback.uri(s, "/t") + "?token=let-me-in"), new Listener()));
            assertThat(ws.getSubprotocol()).isEqualTo(TopicsHandler.SUBPROTOCOL);
            ws.abort();
        }
    }
}
