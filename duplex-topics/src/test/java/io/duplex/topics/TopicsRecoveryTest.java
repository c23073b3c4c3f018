package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Subscribing with since: recovery, its refusals, and history pages. */
class TopicsRecoveryTest extends TopicsServer {

    private static String since(Position p) {
        return "{\"epoch\":\"" + p.epoch() + "\",\"offset\":" + p.offset() + "}";
    }

    private static long offset(JsonNode m) {
        return m.at("/position/offset").asLong();
    }

    @Test
    void missedPublicationsComeFirstThenLiveOnes() {
        Position at = null;
        for (int i = 1; i <= 5; i++) {
            at = publish("chat.room", "{\"n\":" + i + "}");
        }
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"chat.room\",\"since\":"
                + since(new Position(at.epoch(), 2)) + "}");
        JsonNode answer = p.next("subscribed");
        assertThat(answer.get("recovered").asBoolean()).isTrue();
        assertThat(answer.get("replayed").asInt()).isEqualTo(3);
        assertThat(answer.get("position")).isEqualTo(Peer.parse(since(at)));
        for (int n = 3; n <= 5; n++) {
            JsonNode m = p.next("pub");
            assertThat(offset(m)).isEqualTo(n);
            assertThat(m.at("/data/n").asInt()).isEqualTo(n);
        }
        publish("chat.room", "{\"n\":6}");
        assertThat(offset(p.next("pub"))).isEqualTo(6);
        p.assertAlive();
    }

    @Test
    void resumingAtTheNewestReplaysNothing() {
        Position at = publish("chat.idle", "1");
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"topic\":\"chat.idle\",\"since\":" + since(at) + "}");
        JsonNode answer = p.next("subscribed");
        assertThat(answer.get("recovered").asBoolean()).isTrue();
        assertThat(answer.get("replayed").asInt()).isZero();
        assertThat(offset(answer)).isEqualTo(at.offset());
        publish("chat.idle", "2");
        assertThat(offset(p.next("pub"))).isEqualTo(2);
    }

    @Test
    void aPositionOfAnotherEpochIsNotRecovered() {
        Position at = publish("chat.epoch", "1");
        publish("chat.epoch", "2");
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"topic\":\"chat.epoch\",\"since\":{\"epoch\":\"other\",\"offset\":1}}");
        assertNotRecovered(p, new Position(at.epoch(), 2));
        publish("chat.epoch", "3");
        assertThat(offset(p.next("pub"))).isEqualTo(3);
    }

    @Test
    void aPositionThatFellOutOfHistoryIsNotRecovered() {
        Position at = null;
        for (int i = 0; i < 30; i++) {
            at = publish("small.room", "x");
        }
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"topic\":\"small.room\",\"since\":" + since(new Position(at.epoch(), 5))
                + "}");
        assertNotRecovered(p, at);
        publish("small.room", "live");
        assertThat(offset(p.next("pub"))).isEqualTo(31);
        p.assertAlive();
    }

    @Test
    void missingMoreThanTheRecoveryCapIsNotRecovered() {
        Position at = null;
        for (int i = 0; i < 20; i++) {
            at = publish("capped.room", "x");
        }
        Peer p = connect();
        p.send("{\"type\":\"subscribe\",\"topic\":\"capped.room\",\"since\":" + since(new Position(at.epoch(), 10))
                + "}");
        assertNotRecovered(p, at);
        // Exactly the cap is recovered.
        Peer q = connect();
        q.send("{\"type\":\"subscribe\",\"topic\":\"capped.room\",\"since\":" + since(new Position(at.epoch(), 15))
                + "}");
        JsonNode answer = q.next("subscribed");
        assertThat(answer.get("recovered").asBoolean()).isTrue();
        assertThat(answer.get("replayed").asInt()).isEqualTo(5);
        for (int n = 16; n <= 20; n++) {
            assertThat(offset(q.next("pub"))).isEqualTo(n);
        }
        publish("capped.room", "live");
        assertThat(offset(p.next("pub"))).isEqualTo(21);
        assertThat(offset(q.next("pub"))).isEqualTo(21);
    }

    private static void assertNotRecovered(Peer p, Position newest) {
        JsonNode answer = p.next("subscribed");
        assertThat(answer.get("recovered").asBoolean()).isFalse();
        assertThat(answer.get("replayed").asInt()).isZero();
        assertThat(answer.get("position")).isEqualTo(Peer.parse(since(newest)));
        p.assertAlive(); // nothing replayed
    }

    @Test
    void recoveryWhilePublishingConcurrentlyHasNoGapAndNoDuplicate() throws Exception {
        int total = 5_000;
        int before = 200;
        long from = 100;
        Position first = null;
        for (int i = 1; i <= before; i++) {
            Position at = publish("race.room", Integer.toString(i));
            first = first == null ? at : first;
        }
        AtomicBoolean go = new AtomicBoolean();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            while (!go.get()) {
                Thread.onSpinWait();
            }
            for (int i = before + 1; i <= total; i++) {
                streams().publish("race.room", Integer.toString(i));
            }
        });
        Peer p = connect();
        go.set(true);
        p.send("{\"type\":\"subscribe\",\"topic\":\"race.room\",\"since\":" + since(new Position(first.epoch(), from))
                + "}");
        JsonNode answer = p.next("subscribed"); // before any pub of the topic
        assertThat(answer.get("recovered").asBoolean()).isTrue();
        publisher.join();
        List<Long> offsets = new ArrayList<>();
        List<Integer> data = new ArrayList<>();
        long last = from;
        while (last < total) {
            JsonNode m = p.next("pub");
            last = offset(m);
            offsets.add(last);
            data.add(m.get("data").asInt());
        }
        List<Long> expected = new ArrayList<>();
        for (long o = from + 1; o <= total; o++) {
            expected.add(o);
        }
        assertThat(offsets).isEqualTo(expected);
        assertThat(data)
                .containsExactlyElementsOf(expected.stream().map(Long::intValue).toList());
        assertThat(answer.get("replayed").asLong()).isEqualTo(offset(answer) - from);
        p.assertAlive();
    }

    @Test
    void historyPages() {
        Position at = null;
        for (int i = 1; i <= 10; i++) {
            at = publish("chat.hist", "{\"n\":" + i + "}");
        }
        Peer p = connect();
        p.send("{\"type\":\"history\",\"id\":4,\"topic\":\"chat.hist\"}");
        JsonNode all = p.next("history");
        assertThat(all.get("id").asInt()).isEqualTo(4);
        assertThat(all.get("topic").asText()).isEqualTo("chat.hist");
        assertThat(all.get("latest")).isEqualTo(Peer.parse(since(at)));
        assertThat(ns(all)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        JsonNode first = all.get("publications").get(0);
        assertThat(first.at("/position/offset").asLong()).isEqualTo(1);
        assertThat(first.get("time").asLong()).isPositive();

        p.send("{\"type\":\"history\",\"topic\":\"chat.hist\",\"limit\":3}");
        assertThat(ns(p.next("history"))).containsExactly(1, 2, 3);
        p.send("{\"type\":\"history\",\"topic\":\"chat.hist\",\"since\":" + since(new Position(at.epoch(), 7)) + "}");
        assertThat(ns(p.next("history"))).containsExactly(8, 9, 10);
        p.send("{\"type\":\"history\",\"topic\":\"chat.hist\",\"limit\":3,\"reverse\":true}");
        assertThat(ns(p.next("history"))).containsExactly(10, 9, 8);
        p.send("{\"type\":\"history\",\"topic\":\"chat.hist\",\"limit\":0}");
        JsonNode none = p.next("history");
        assertThat(none.get("publications")).isEmpty();
        assertThat(none.get("latest")).isEqualTo(Peer.parse(since(at)));
        p.send("{\"type\":\"history\",\"topic\":\"chat.hist\",\"since\":" + since(at) + "}");
        assertThat(ns(p.next("history"))).isEmpty();
    }

    private static List<Integer> ns(JsonNode page) {
        List<Integer> ns = new ArrayList<>();
        page.get("publications").forEach(m -> ns.add(m.at("/data/n").asInt()));
        return ns;
    }
}
