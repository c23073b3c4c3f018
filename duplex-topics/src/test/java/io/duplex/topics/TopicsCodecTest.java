package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.Publication;
import io.duplex.StreamError;
import io.duplex.Subscribed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The codec's messages byte for byte, and its encode-once promise. */
class TopicsCodecTest {
    private final TopicsCodec codec = new TopicsCodec();
    private final Position at = new Position("a1", 42);

    private static String text(PreparedMessage m) {
        return StandardCharsets.UTF_8.decode(m.payload()).toString();
    }

    @Test
    void messagesMatchTheProtocolsExamples() {
        assertThat(text(codec.subscribed(new Subscribed("chat.lobby", true, new Position("a1", 41), 3))))
                .isEqualTo("{\"type\":\"subscribed\",\"topic\":\"chat.lobby\",\"recovered\":true,"
                        + "\"position\":{\"epoch\":\"a1\",\"offset\":41},\"replayed\":3}");
        assertThat(text(codec.publication(
                        new Publication("chat.lobby", at, PreparedMessage.text("{\"text\":\"hi\"}"), 1765090000000L))))
                .isEqualTo("{\"type\":\"pub\",\"topic\":\"chat.lobby\",\"position\":{\"epoch\":\"a1\",\"offset\":42},"
                        + "\"time\":1765090000000,\"data\":{\"text\":\"hi\"}}");
        assertThat(text(codec.interrupted("chat.lobby", new Position("b7", 0))))
                .isEqualTo(
                        "{\"type\":\"interrupted\",\"topic\":\"chat.lobby\",\"position\":{\"epoch\":\"b7\",\"offset\":0}}");
        assertThat(codec.error(Peer.JSON.getNodeFactory().numberNode(5), StreamError.POSITION_AHEAD, "m"))
                .isEqualTo(
                        "{\"type\":\"error\",\"id\":5,\"code\":4003,\"error\":\"POSITION_AHEAD\",\"message\":\"m\"}");
        assertThat(codec.pong(null)).isEqualTo("{\"type\":\"pong\"}");
    }

    @Test
    void aPublicationIsEncodedOnceForEverySubscriberCodec() {
        Publication p = new Publication("t", at, PreparedMessage.text("1"), 1);
        SubscriberCodec one = new SubscriberCodec(codec, null);
        SubscriberCodec two =
                new SubscriberCodec(codec, Peer.JSON.getNodeFactory().textNode("x"));
        PreparedMessage m = one.publication(p);
        assertThat(two.publication(p)).isSameAs(m);
        assertThat(codec.publication(p)).isSameAs(m);
        assertThat(text(two.subscribed(new Subscribed("t", false, at, 0)))).contains("\"id\":\"x\"");
        assertThat(text(one.interrupted("t", at))).startsWith("{\"type\":\"interrupted\"");
    }

    @Test
    void policyOfSplitsReadFromPublish() {
        TopicsPolicy policy = TopicsPolicy.of((ws, t) -> t.equals("r"), (ws, t) -> t.equals("w"));
        assertThat(policy.allows(null, TopicsPolicy.Access.READ, "r")).isTrue();
        assertThat(policy.allows(null, TopicsPolicy.Access.READ, "w")).isFalse();
        assertThat(policy.allows(null, TopicsPolicy.Access.PUBLISH, "w")).isTrue();
        assertThat(TopicsPolicy.allowAll().allows(null, TopicsPolicy.Access.PUBLISH, "x"))
                .isTrue();
    }
}
