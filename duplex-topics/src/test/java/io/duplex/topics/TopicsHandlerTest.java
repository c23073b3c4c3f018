package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.StreamError;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Loopback;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Every request of the protocol and its reply, over real sockets. */
class TopicsHandlerTest extends TopicsServer {

    @Test
    void pingIsAnsweredWithPongEchoingTheId() {
        Peer p = connect();
        p.send("{\"type\":\"ping\",\"id\":6}");
        assertThat(p.next("pong").get("id").asInt()).isEqualTo(6);
        p.send("{\"type\":\"ping\",\"id\":\"abc\"}");
        assertThat(p.next("pong").get("id").asText()).isEqualTo("abc");
        p.send("{\"type\":\"ping\"}");
        assertThat(p.next("pong").has("id")).isFalse();
    }

    @Test
    void subscribePublishUnsubscribe() {
        Peer sub = connect();
        Peer pub = connect();
        sub.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.lobby\"}");
        JsonNode subscribed = sub.next("subscribed");
        assertThat(subscribed.get("id").asInt()).isEqualTo(1);
        assertThat(subscribed.get("topic").asText()).isEqualTo("chat.lobby");
        assertThat(subscribed.get("recovered").asBoolean()).isTrue();
        assertThat(subscribed.get("replayed").asInt()).isZero();
        assertThat(subscribed.at("/position/offset").asLong()).isZero();
        String epoch = subscribed.at("/position/epoch").asText();

        pub.send(
                "{\"type\":\"publish\",\"id\":\"p1\",\"topic\":\"chat.lobby\",\"data\":{\"text\":\"hi\"},\"extra\":1}");
        JsonNode published = pub.next("published");
        assertThat(published.get("id").asText()).isEqualTo("p1");
        assertThat(published.get("topic").asText()).isEqualTo("chat.lobby");
        assertThat(published.get("position").toString()).isEqualTo("{\"epoch\":\"" + epoch + "\",\"offset\":1}");

        JsonNode m = sub.next("pub");
        assertThat(m.get("topic").asText()).isEqualTo("chat.lobby");
        assertThat(m.at("/position/offset").asLong()).isEqualTo(1);
        assertThat(m.at("/position/epoch").asText()).isEqualTo(epoch);
        assertThat(m.get("time").asLong()).isPositive();
        assertThat(m.get("data").toString()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(m.has("encoding")).isFalse();

        sub.send("{\"type\":\"unsubscribe\",\"id\":2,\"topic\":\"chat.lobby\"}");
        JsonNode unsubscribed = sub.next("unsubscribed");
        assertThat(unsubscribed.get("id").asInt()).isEqualTo(2);
        assertThat(unsubscribed.get("topic").asText()).isEqualTo("chat.lobby");
        pub.send("{\"type\":\"publish\",\"topic\":\"chat.lobby\",\"data\":2}");
        assertThat(pub.next("published").has("id")).isFalse();
        sub.assertAlive(); // the pong comes next: no pub after unsubscribed
        assertThat(streams().subscriberCount("chat.lobby")).isZero();
    }

    @Test
    void theSubscribedAnswerPrecedesRepliesToLaterRequests() {
        publish("chat.order", "1");
        Peer p = connect();
        // Sent back to back: the subscribe is answered from the event loop after the history read,
        // the ping at once; replies still come in request order.
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.order\",\"since\":{\"epoch\":\"x\",\"offset\":0}}");
        p.send("{\"type\":\"history\",\"id\":2,\"topic\":\"chat.order\"}");
        p.send("{\"type\":\"ping\",\"id\":3}");
        assertThat(p.next("subscribed").get("id").asInt()).isEqualTo(1);
        assertThat(p.next("history").get("id").asInt()).isEqualTo(2);
        assertThat(p.next("pong").get("id").asInt()).isEqualTo(3);
    }

    @Test
    void dataIsDeliveredAsTheSameJsonValue() {
        Peer sub = connect();
        Peer pub = connect();
        sub.send("{\"type\":\"subscribe\",\"topic\":\"chat.values\"}");
        sub.next("subscribed");
        String[] values = {
            "null",
            "true",
            "\"text\"",
            "[1,[2,{}]]",
            "1.0",
            "1E+400",
            "123456789012345678901234567890",
            "-0.5",
            "\"é\\u0000\""
        };
        for (String v : values) {
            pub.send("{\"type\":\"publish\",\"topic\":\"chat.values\",\"data\":" + v + "}");
            pub.next("published");
            String text = sub.nextText();
            assertThat(text).endsWith(",\"data\":" + v + "}");
            assertThat(Peer.parse(text).get("data")).isEqualTo(Peer.parse(v));
        }
    }

    @Test
    void javaApiPayloadsFollowTheDataRules() {
        Peer sub = connect();
        sub.send("{\"type\":\"subscribe\",\"topic\":\"chat.api\"}");
        sub.next("subscribed");

        publish("chat.api", "{\"a\": [1, 2]}");
        assertThat(sub.next("pub").get("data")).isEqualTo(Peer.parse("{\"a\":[1,2]}"));

        publish("chat.api", "hello \"world\"");
        JsonNode text = sub.next("pub");
        assertThat(text.get("data").asText()).isEqualTo("hello \"world\"");
        assertThat(text.has("encoding")).isFalse();

        publish("chat.api", "{\"a\":1} trailing");
        assertThat(sub.next("pub").get("data").asText()).isEqualTo("{\"a\":1} trailing");

        String deep = "[".repeat(JsonLimits.MAX_NESTING + 1) + "]".repeat(JsonLimits.MAX_NESTING + 1);
        publish("chat.api", deep);
        assertThat(sub.next("pub").get("data").asText()).isEqualTo(deep);

        byte[] bytes = {0, 1, 2, (byte) 0xff};
        streams()
                .publish("chat.api", PreparedMessage.binary(ByteBuffer.wrap(bytes)))
                .toCompletableFuture()
                .join();
        JsonNode binary = sub.next("pub");
        assertThat(binary.get("encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(binary.get("data").asText())).isEqualTo(bytes);
    }

    @Test
    void publishStoresTheDataAsCompactJsonText() {
        Peer pub = connect();
        pub.send("{\"type\":\"publish\",\"topic\":\"chat.stored\",\"data\":{ \"k\" : [ 1 , 2 ] }}");
        pub.next("published");
        var page = streams()
                .history("chat.stored", io.duplex.HistoryQuery.newest(1))
                .toCompletableFuture()
                .join();
        PreparedMessage stored = page.publications().get(0).message();
        assertThat(stored.isText()).isTrue();
        assertThat(StandardCharsets.UTF_8.decode(stored.payload()).toString()).isEqualTo("{\"k\":[1,2]}");
    }

    @Test
    void anUnboundHandlerAnswersUnavailableAndStillPongs() throws Exception {
        TopicsHandler unbound = TopicsHandler.builder().build();
        try (WebSocketServer other = Loopback.server().route("/t", unbound).start()) {
            Peer p = Peer.connect(client, Loopback.uri(other, "/t"));
            p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"a\"}");
            assertThat(p.error(StreamError.UNAVAILABLE).get("id").asInt()).isEqualTo(1);
            p.assertAlive();
            unbound.bind(other);
            p.send("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"a\"}");
            assertThat(p.next("subscribed").get("id").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aHandlerServesOneServersStreams() {
        TopicsHandler h = TopicsHandler.builder().streams(streams()).build();
        assertThat(h.bind(server)).isSameAs(h);
        try (WebSocketServer other = Loopback.server().route("/t", h).start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.bind(other))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void publishAcknowledgementCarriesThePositionTheSubscriberSees() {
        Position before = publish("chat.ack", "x");
        Peer pub = connect();
        pub.send("{\"type\":\"publish\",\"id\":9,\"topic\":\"chat.ack\",\"data\":\"y\"}");
        JsonNode ack = pub.next("published");
        assertThat(ack.at("/position/epoch").asText()).isEqualTo(before.epoch());
        assertThat(ack.at("/position/offset").asLong()).isEqualTo(before.offset() + 1);
    }
}
