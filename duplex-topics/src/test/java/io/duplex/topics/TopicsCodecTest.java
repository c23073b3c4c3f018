package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Member;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEvent;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.Publication;
import io.duplex.StreamError;
import io.duplex.Subscribed;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        SubscriberCodec one = new SubscriberCodec(codec, null, false);
        SubscriberCodec two =
                new SubscriberCodec(codec, Peer.JSON.getNodeFactory().textNode("x"), false);
        PreparedMessage m = one.publication(p);
        assertThat(two.publication(p)).isSameAs(m);
        assertThat(codec.publication(p)).isSameAs(m);
        assertThat(text(two.subscribed(new Subscribed("t", false, at, 0)))).contains("\"id\":\"x\"");
        assertThat(text(one.interrupted("t", at))).startsWith("{\"type\":\"interrupted\"");
    }

    @Test
    void aPresenceEventIsEncodedOnceAndPassesOnlyCodecsThatAsked() {
        PresenceEvent join = new PresenceEvent("room", true, new Member("c1", "alice", "{\"name\":\"A\"}"), true);
        SubscriberCodec asked = new SubscriberCodec(codec, null, true);
        SubscriberCodec alsoAsked =
                new SubscriberCodec(codec, Peer.JSON.getNodeFactory().numberNode(1), true);
        SubscriberCodec silent = new SubscriberCodec(codec, null, false);
        PreparedMessage m = asked.presence(join);
        assertThat(alsoAsked.presence(join)).isSameAs(m);
        assertThat(silent.presence(join)).isNull();
        assertThat(text(m))
                .isEqualTo("{\"type\":\"join\",\"topic\":\"room\",\"member\":{\"client\":\"c1\","
                        + "\"user\":\"alice\",\"info\":{\"name\":\"A\"}},\"user\":true}");
        PresenceEvent leave = new PresenceEvent("room", false, new Member("c2", "bob", "not json"), false);
        assertThat(text(codec.presence(leave)))
                .isEqualTo("{\"type\":\"leave\",\"topic\":\"room\",\"member\":{\"client\":\"c2\","
                        + "\"user\":\"bob\",\"info\":\"not json\"},\"user\":false}");
        PresenceEvent bare = new PresenceEvent("room", true, new Member("c3", "c3", ""), true);
        assertThat(text(codec.presence(bare))).contains("\"info\":null");
    }

    @Test
    void presenceRepliesMatchTheProtocolsExamples() {
        JsonNode id = Peer.JSON.getNodeFactory().numberNode(7);
        assertThat(codec.presencePage(id, "room", new PresencePage(List.of(new Member("c1", "alice", "")), "c1")))
                .isEqualTo("{\"type\":\"presence\",\"id\":7,\"topic\":\"room\",\"members\":"
                        + "[{\"client\":\"c1\",\"user\":\"alice\",\"info\":null}],\"cursor\":\"c1\"}");
        assertThat(codec.presencePage(null, "room", new PresencePage(List.of(), null)))
                .isEqualTo("{\"type\":\"presence\",\"topic\":\"room\",\"members\":[],\"cursor\":null}");
        assertThat(codec.presenceStats(id, "room", new PresenceStats(3, 2)))
                .isEqualTo(
                        "{\"type\":\"presence_stats\",\"id\":7,\"topic\":\"room\"," + "\"connections\":3,\"users\":2}");
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
