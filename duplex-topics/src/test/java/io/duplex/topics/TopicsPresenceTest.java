package io.duplex.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.StreamError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Presence over the topics protocol on real sockets: join and leave events with their user-level
 * flag, members by page, stats, and every refusal with the connection staying open. Events make
 * the waits exact: a watcher that asked for them sees each join and leave once it is applied.
 */
class TopicsPresenceTest extends TopicsServer {

    /** Subscribes {@code p} to {@code topic} and reads the answer. */
    private static void subscribe(Peer p, String topic, boolean presence) {
        p.send("{\"type\":\"subscribe\",\"id\":\"s\",\"topic\":\"" + topic + "\",\"presence\":" + presence + "}");
        assertThat(p.next("subscribed").path("id").asText()).isEqualTo("s");
    }

    /**
     * The next event for {@code watcher} (skipping the join of the watcher's own connection, user
     * "watcher", whenever it comes): its type, topic and user flag; returns the member.
     */
    private static JsonNode event(Peer watcher, String type, String topic, boolean user) {
        JsonNode e = watcher.next(type);
        if (type.equals("join") && e.path("member").path("user").asText().equals("watcher")) {
            e = watcher.next(type);
        }
        assertThat(e.path("topic").asText()).isEqualTo(topic);
        assertThat(e.path("user").isBoolean()).isTrue();
        assertThat(e.path("user").asBoolean()).as(e.toString()).isEqualTo(user);
        assertThat(e.has("id")).isFalse();
        return e.get("member");
    }

    @Test
    void twoConnectionsOfOneUserJoinAndLeaveOnceAtUserLevel() {
        Peer watcher = connect("watcher", null);
        subscribe(watcher, "room.a", true);

        Peer tab1 = connect("alice", "{\"name\":\"Alice\"}");
        Peer tab2 = connect("alice", "{\"name\":\"Alice\"}");
        subscribe(tab1, "room.a", false);
        JsonNode first = event(watcher, "join", "room.a", true);
        assertThat(first.path("user").asText()).isEqualTo("alice");
        assertThat(first.path("info").path("name").asText()).isEqualTo("Alice");
        String tab1Client = first.path("client").asText();
        assertThat(tab1Client).isNotEmpty();

        subscribe(tab2, "room.a", false);
        JsonNode second = event(watcher, "join", "room.a", false);
        assertThat(second.path("user").asText()).isEqualTo("alice");
        assertThat(second.path("client").asText()).isNotEqualTo(tab1Client);

        // A subscriber that did not ask gets no events: its next message answers its own ping.
        tab1.assertAlive();

        tab2.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"topic\":\"room.a\"}");
        tab2.next("unsubscribed");
        JsonNode left = event(watcher, "leave", "room.a", false);
        assertThat(left.path("client").asText()).isEqualTo(second.path("client").asText());

        tab1.ws.close(1000, "bye");
        JsonNode last = event(watcher, "leave", "room.a", true);
        assertThat(last.path("client").asText()).isEqualTo(tab1Client);
        assertThat(last.path("user").asText()).isEqualTo("alice");

        // An abrupt close leaves too.
        Peer bob = connect("bob", null);
        subscribe(bob, "room.a", false);
        assertThat(event(watcher, "join", "room.a", true).path("info").isNull())
                .as("no info is null")
                .isTrue();
        bob.ws.abort();
        assertThat(event(watcher, "leave", "room.a", true).path("user").asText())
                .isEqualTo("bob");
        watcher.assertAlive();
    }

    @Test
    void anonymousConnectionsAreUsersOfTheirOwn() {
        Peer watcher = connect();
        subscribe(watcher, "room.anon", true);
        Peer other = connect();
        subscribe(other, "room.anon", false);
        // The other's join, the first of its user (a subscriber joins before its answer, so it
        // never sees its own join).
        JsonNode m = event(watcher, "join", "room.anon", true);
        assertThat(m.path("user").asText()).isEqualTo(m.path("client").asText());
        watcher.send("{\"type\":\"presence_stats\",\"id\":9,\"topic\":\"room.anon\"}");
        JsonNode stats = watcher.next("presence_stats");
        assertThat(stats.path("id").asInt()).isEqualTo(9);
        assertThat(stats.path("connections").asLong()).isEqualTo(2);
        assertThat(stats.path("users").asLong()).isEqualTo(2);
    }

    @Test
    void aTopicWithoutEventsAcceptsTheFlagAndSendsNothing() {
        Peer quiet = connect("q", null);
        subscribe(quiet, "quiet.a", true);
        Peer other = connect("o", null);
        subscribe(other, "quiet.a", false);
        // Stats show the join once it is applied; an event for it would be queued before the
        // stats reply, so every reply must be presence_stats, and then the ping's pong.
        for (int asked = 0; ; asked++) {
            assertThat(asked).as("stats asked").isLessThan(10_000);
            quiet.send("{\"type\":\"presence_stats\",\"topic\":\"quiet.a\"}");
            JsonNode stats = quiet.next("presence_stats");
            if (stats.path("connections").asLong() == 2) {
                assertThat(stats.path("users").asLong()).isEqualTo(2);
                break;
            }
        }
        quiet.assertAlive();
    }

    @Test
    void pagesThrough250MembersEachOnce() {
        int n = 250;
        Peer watcher = connect("watcher", null);
        subscribe(watcher, "room.big", true);
        List<Peer> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Peer p = connect("u" + i, null);
            subscribe(p, "room.big", false);
            members.add(p);
        }
        // Every join seen: all 250 are in the roster.
        Set<String> joined = new HashSet<>();
        while (joined.size() < n) {
            String user = watcher.next("join").path("member").path("user").asText();
            if (!user.equals("watcher")) {
                assertThat(joined.add(user)).as("one join per user").isTrue();
            }
        }

        Set<String> clients = new HashSet<>();
        Set<String> users = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            String c = cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"";
            watcher.send("{\"type\":\"presence\",\"id\":\"p\",\"topic\":\"room.big\",\"limit\":100" + c + "}");
            JsonNode page = watcher.next("presence");
            assertThat(page.path("id").asText()).isEqualTo("p");
            assertThat(page.path("topic").asText()).isEqualTo("room.big");
            assertThat(page.has("cursor")).isTrue();
            sizes.add(page.get("members").size());
            for (JsonNode m : page.get("members")) {
                assertThat(clients.add(m.path("client").asText()))
                        .as("each member once")
                        .isTrue();
                users.add(m.path("user").asText());
            }
            cursor = page.get("cursor").isNull() ? null : page.get("cursor").asText();
        } while (cursor != null);
        assertThat(sizes).containsExactly(100, 100, 51);
        assertThat(users).hasSize(n + 1).contains("watcher", "u0", "u249");

        watcher.send("{\"type\":\"presence\",\"topic\":\"room.big\"}");
        JsonNode defaults = watcher.next("presence");
        assertThat(defaults.get("members")).hasSize(100);
        assertThat(defaults.has("id")).isFalse();

        watcher.send("{\"type\":\"presence_stats\",\"id\":1,\"topic\":\"room.big\"}");
        JsonNode stats = watcher.next("presence_stats");
        assertThat(stats.path("connections").asLong()).isEqualTo(n + 1);
        assertThat(stats.path("users").asLong()).isEqualTo(n + 1);
        members.forEach(p -> p.ws.close(1000, ""));
    }

    @Test
    void anEmptyTopicWithPresenceHasNoMembers() {
        Peer p = connect();
        p.send("{\"type\":\"presence\",\"id\":1,\"topic\":\"room.empty\"}");
        JsonNode page = p.next("presence");
        assertThat(page.get("members")).isEmpty();
        assertThat(page.get("cursor").isNull()).isTrue();
        p.send("{\"type\":\"presence_stats\",\"id\":2,\"topic\":\"room.empty\"}");
        JsonNode stats = p.next("presence_stats");
        assertThat(stats.path("connections").asLong()).isZero();
        assertThat(stats.path("users").asLong()).isZero();
    }

    @Test
    void everyRefusalKeepsTheConnectionOpen() {
        Peer p = connect("carol", "x".repeat(MAX_INFO + 1));
        p.send("{\"type\":\"presence\",\"id\":1,\"topic\":\"chat.a\"}");
        assertThat(p.error(StreamError.NO_PRESENCE).path("id").asInt()).isEqualTo(1);
        p.send("{\"type\":\"presence_stats\",\"id\":2,\"topic\":\"chat.a\"}");
        p.error(StreamError.NO_PRESENCE);
        p.assertAlive();

        for (String limit : List.of("0", "1001", "-1", "99999999999")) {
            p.send("{\"type\":\"presence\",\"id\":3,\"topic\":\"room.a\",\"limit\":" + limit + "}");
            assertThat(p.error(StreamError.BAD_REQUEST).path("id").asInt()).isEqualTo(3);
        }
        p.send("{\"type\":\"presence\",\"topic\":\"room.a\",\"cursor\":\"\"}");
        p.error(StreamError.BAD_REQUEST);
        p.assertAlive();

        for (String bad : List.of(
                "{\"type\":\"presence\",\"topic\":\"room.a\",\"limit\":\"5\"}",
                "{\"type\":\"presence\",\"topic\":\"room.a\",\"cursor\":7}",
                "{\"type\":\"presence\"}",
                "{\"type\":\"presence_stats\"}",
                "{\"type\":\"subscribe\",\"topic\":\"room.a\",\"presence\":\"yes\"}")) {
            p.send(bad);
            p.error(StreamError.BAD_MESSAGE);
        }
        p.send("{\"type\":\"presence_stats\",\"topic\":\"no spaces\"}");
        p.error(StreamError.BAD_TOPIC);
        p.assertAlive();

        p.send("{\"type\":\"presence\",\"id\":4,\"topic\":\"secret.a\"}");
        assertThat(p.error(StreamError.FORBIDDEN).path("id").asInt()).isEqualTo(4);
        p.send("{\"type\":\"presence_stats\",\"id\":5,\"topic\":\"secret.a\"}");
        p.error(StreamError.FORBIDDEN);
        p.assertAlive();

        // Info over the topic's cap refuses the subscribe; a topic with a larger cap takes it.
        p.send("{\"type\":\"subscribe\",\"id\":6,\"topic\":\"tiny.a\",\"presence\":true}");
        assertThat(p.error(StreamError.TOO_LARGE).path("id").asInt()).isEqualTo(6);
        subscribe(p, "room.a", false);
        p.assertAlive();
    }

    @Test
    void presenceFlagOnATopicWithoutPresenceIsAcceptedAndSilent() {
        Peer p = connect("dave", null);
        subscribe(p, "chat.plain", true);
        p.send("{\"type\":\"publish\",\"id\":1,\"topic\":\"chat.plain\",\"data\":1}");
        // The publication and its acknowledgement, in either order; no presence event.
        Set<String> types = new HashSet<>(List.of(
                Peer.parse(p.nextText()).path("type").asText(),
                Peer.parse(p.nextText()).path("type").asText()));
        assertThat(types).containsExactlyInAnyOrder("pub", "published");
        p.assertAlive();
    }
}
