package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import io.duplex.StreamError;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error of the protocol's table the handler can produce; the connection stays open. */
class TopicsErrorsTest extends TopicsServer {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json",
                "",
                "[1,2]",
                "\"subscribe\"",
                "{\"type\":\"subscribe\",\"topic\":\"a\"} {}",
                "{\"topic\":\"a\"}",
                "{\"type\":7}",
                "{\"type\":\"dance\"}",
                "{\"type\":\"subscribe\"}",
                "{\"type\":\"subscribe\",\"topic\":7}",
                "{\"type\":\"subscribe\",\"topic\":\"a\",\"since\":\"1@a\"}",
                "{\"type\":\"unsubscribe\"}",
                "{\"type\":\"publish\",\"topic\":\"a\"}",
                "{\"type\":\"history\",\"topic\":\"chat.a\",\"limit\":\"5\"}",
                "{\"type\":\"history\",\"topic\":\"chat.a\",\"limit\":1.5}",
                "{\"type\":\"history\",\"topic\":\"chat.a\",\"reverse\":\"yes\"}",
                "{\"type\":\"ping\",\"id\":1.5}",
                "{\"type\":\"ping\",\"id\":[1]}",
                "{\"type\":\"ping\",\"id\":123456789012345678901234567890}",
                "{\"type\":\"ping\",\"type\":\"ping\"}",
                "{\"type\":\"publish\",\"topic\":\"a\",\"data\":1e}",
            })
    void badMessages(String message) {
        Peer p = connect();
        p.send(message);
        assertThat(p.error(StreamError.BAD_MESSAGE).has("id")).isFalse();
        p.assertAlive();
    }

    @Test
    void aBadMessageWithAnIdEchoesIt() {
        Peer p = connect();
        p.send("{\"type\":\"dance\",\"id\":5}");
        assertThat(p.error(StreamError.BAD_MESSAGE).get("id").asInt()).isEqualTo(5);
        p.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(RequestParser.MAX_ID_LENGTH + 1) + "\"}");
        assertThat(p.error(StreamError.BAD_MESSAGE).has("id")).isFalse();
        p.assertAlive();
    }

    @Test
    void deepNestingAndHugeNumbersAreRefused() {
        Peer p = connect();
        String deep = "[".repeat(JsonLimits.MAX_NESTING) + "]".repeat(JsonLimits.MAX_NESTING);
        p.send("{\"type\":\"publish\",\"topic\":\"a\",\"data\":" + deep + "}");
        p.error(StreamError.BAD_MESSAGE);
        p.send("{\"type\":\"publish\",\"topic\":\"a\",\"data\":" + "9".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}");
        p.error(StreamError.BAD_MESSAGE);
        String fits = "[".repeat(JsonLimits.MAX_NESTING - 1) + "]".repeat(JsonLimits.MAX_NESTING - 1);
        p.send("{\"type\":\"publish\",\"topic\":\"a\",\"data\":" + fits + "}");
        p.next("published");
        p.assertAlive();
    }

    @Test
    void binaryFramesAreRefused() {
        Peer p = connect();
        p.ws.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        p.error(StreamError.BAD_MESSAGE);
        p.assertAlive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"has space\"", "\"semi;colon\"", "\"é\""})
    void badTopics(String topic) {
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":" + topic + "}");
        assertThat(p.error(StreamError.BAD_TOPIC).get("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"publish\",\"topic\":" + topic + ",\"data\":1}");
        p.error(StreamError.BAD_TOPIC);
        p.assertAlive();
    }

    @Test
    void aTopicOverTheLongestIsRefused() {
        Peer p = connect();
        p.send("{\"type\":\"history\",\"topic\":\"" + "a".repeat(257) + "\"}");
        p.error(StreamError.BAD_TOPIC);
        p.send("{\"type\":\"history\",\"topic\":\"" + "a".repeat(256) + "\",\"limit\":0}");
        p.next("history");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"epoch\":\"bad epoch\",\"offset\":1}",
                "{\"epoch\":\"\",\"offset\":1}",
                "{\"epoch\":7,\"offset\":1}",
                "{\"offset\":1}",
                "{\"epoch\":\"a\"}",
                "{\"epoch\":\"a\",\"offset\":-1}",
                "{\"epoch\":\"a\",\"offset\":1.5}",
                "{\"epoch\":\"a\",\"offset\":\"1\"}",
                "{\"epoch\":\"a\",\"offset\":123456789012345678901234567890}",
            })
    void badPositions(String position) {
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.p\",\"since\":" + position + "}");
        assertThat(p.error(StreamError.BAD_POSITION).get("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"history\",\"topic\":\"chat.p\",\"since\":" + position + "}");
        p.error(StreamError.BAD_POSITION);
        p.assertAlive();
    }

    @Test
    void positionsAheadOfTheNewestAreRefused() {
        Position at = publish("chat.ahead", "x");
        String ahead = "{\"epoch\":\"" + at.epoch() + "\",\"offset\":" + (at.offset() + 1) + "}";
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"id\":4,\"topic\":\"chat.ahead\",\"since\":" + ahead + "}");
        assertThat(p.error(StreamError.POSITION_AHEAD).get("id").asInt()).isEqualTo(4);
        assertThat(streams().subscriberCount("chat.ahead")).isZero();
        p.send("{\"type\":\"history\",\"id\":5,\"topic\":\"chat.ahead\",\"since\":" + ahead + "}");
        assertThat(p.error(StreamError.POSITION_AHEAD).get("id").asInt()).isEqualTo(5);
        // Refused, and nothing else changed: the same subscribe without since works.
        p.send("{\"type\":\"subscribe\",\"id\":6,\"topic\":\"chat.ahead\"}");
        assertThat(p.next("subscribed").get("id").asInt()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "10001", "123456789012"})
    void historyLimitsOutOfRange(String limit) {
        Peer p = connect();
        p.send("{\"type\":\"history\",\"id\":1,\"topic\":\"chat.h\",\"limit\":" + limit + "}");
        assertThat(p.error(StreamError.BAD_REQUEST).get("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"history\",\"topic\":\"chat.h\",\"limit\":10000}");
        p.next("history");
    }

    @Test
    void historyOfATopicWithoutHistory() {
        publish("plain.x", "1");
        Peer p = connect();
        p.send("{\"type\":\"history\",\"id\":1,\"topic\":\"plain.x\"}");
        assertThat(p.error(StreamError.NO_HISTORY).get("id").asInt()).isEqualTo(1);
        // Only the newest position may be read.
        p.send("{\"type\":\"history\",\"topic\":\"plain.x\",\"limit\":0}");
        JsonNode page = p.next("history");
        assertThat(page.at("/latest/offset").asLong()).isEqualTo(1);
        assertThat(page.get("publications")).isEmpty();
    }

    @Test
    void subscriptionsAreCappedPerConnection() {
        Peer p = connect();
        for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
            p.send("{\"type\":\"subscribe\",\"topic\":\"t" + i + "\"}");
            p.next("subscribed");
        }
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"one.more\"}");
        assertThat(p.error(StreamError.TOO_MANY_SUBSCRIPTIONS).get("id").asInt())
                .isEqualTo(1);
        p.send("{\"type\":\"unsubscribe\",\"topic\":\"t0\"}");
        p.next("unsubscribed");
        p.send("{\"type\":\"subscribe\",\"topic\":\"one.more\"}");
        p.next("subscribed");
    }

    @Test
    void alreadyAndNotSubscribed() {
        Peer p = connect();
        p.send("{\"type\":\"unsubscribe\",\"id\":1,\"topic\":\"chat.x\"}");
        assertThat(p.error(StreamError.NOT_SUBSCRIBED).get("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"subscribe\",\"topic\":\"chat.x\"}");
        p.next("subscribed");
        p.send("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"chat.x\"}");
        assertThat(p.error(StreamError.ALREADY_SUBSCRIBED).get("id").asInt()).isEqualTo(2);
        // The first subscription goes on.
        publish("chat.x", "1");
        assertThat(p.next("pub").at("/position/offset").asLong()).isEqualTo(1);
    }

    @Test
    void publicationsOverTheLimitAreRefused() {
        Peer p = connect();
        String fits = "\"" + "x".repeat(MAX_PUBLICATION - 2) + "\"";
        p.send("{\"type\":\"publish\",\"topic\":\"chat.big\",\"data\":" + fits + "}");
        p.next("published");
        String over = "\"" + "x".repeat(MAX_PUBLICATION - 1) + "\"";
        p.send("{\"type\":\"publish\",\"id\":1,\"topic\":\"chat.big\",\"data\":" + over + "}");
        assertThat(p.error(StreamError.TOO_LARGE).get("id").asInt()).isEqualTo(1);
        p.assertAlive();
    }

    @Test
    void thePolicyRefusesWithForbidden() {
        publish("secret.plans", "1");
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"secret.plans\"}");
        assertThat(p.error(StreamError.FORBIDDEN).get("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"history\",\"id\":2,\"topic\":\"secret.plans\"}");
        assertThat(p.error(StreamError.FORBIDDEN).get("id").asInt()).isEqualTo(2);
        p.send("{\"type\":\"publish\",\"id\":3,\"topic\":\"readonly.news\",\"data\":1}");
        assertThat(p.error(StreamError.FORBIDDEN).get("id").asInt()).isEqualTo(3);
        assertThat(streams().subscriberCount("secret.plans")).isZero();
        p.send("{\"type\":\"history\",\"topic\":\"readonly.news\"}");
        assertThat(p.next("history").get("publications")).isEmpty(); // nothing was stored
        p.send("{\"type\":\"subscribe\",\"topic\":\"readonly.news\"}");
        p.next("subscribed");
    }
}
