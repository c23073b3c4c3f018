package io.duplex.examples.chat;

import static io.duplex.examples.chat.ChatPeer.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.Position;
import io.duplex.WebSocketClient;
import io.duplex.testkit.FaultyStreamEngine;
import io.duplex.testkit.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A room's messages as a stream, over real sockets: a page that rejoins with the last position it
 * saw gets exactly what it missed; one that cannot be caught up (history too short, a new server
 * and so a new epoch, a store that lost its streams) is told so and sent a history to start again.
 */
class ChatStreamsTest {
    final ManualClock clock = new ManualClock();
    final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();
    final List<ChatServer> servers = new ArrayList<>();

    ChatServer start(ChatOptions.Builder options) {
        ChatServer chat = ChatServer.start(
                options.host("127.0.0.1").port(0).eventLoops(2).clock(clock).build());
        servers.add(chat);
        return chat;
    }

    @AfterEach
    void stop() {
        client.close();
        servers.forEach(ChatServer::stop);
    }

    /** A joined member whose connection is about to drop, with what it needs to come back. */
    record Away(String session, Map<String, Object> lastSeen) {}

    /** Joins {@code nick}, takes one message said by {@code speaker}, then drops the connection. */
    Away joinSeeOneThenDrop(ChatServer chat, ChatPeer speaker, String nick) throws Exception {
        ChatPeer p = ChatPeer.connect(client, chat.port(), "/chat", Map.of());
        String session = (String) p.next("welcome").get("session");
        p.join("lobby", nick);
        speaker.say("seen by " + nick);
        Map<String, Object> seen = p.next("message");
        assertThat(seen).containsEntry("text", "seen by " + nick);
        speaker.next("message");
        p.ws.abort(); // a network drop: no close handshake
        assertThat(speaker.next("member-left")).containsEntry("nick", nick);
        return new Away(session, seen);
    }

    /** Says {@code texts} and takes their echoes (each is stored once its echo is back). */
    static void sayAll(ChatPeer speaker, String... texts) throws InterruptedException {
        for (String t : texts) {
            speaker.say(t);
            assertThat(speaker.next("message")).containsEntry("text", t);
        }
    }

    /**
     * What {@code p} receives up to and including the next member list, but member events (others'
     * joins may come anywhere after its answer: presence is not ordered against the stream).
     */
    static List<Map<String, Object>> untilPresence(ChatPeer p) throws InterruptedException {
        List<Map<String, Object>> got = new ArrayList<>();
        Map<String, Object> m;
        do {
            m = p.next();
            if (!((String) m.get("type")).startsWith("member-")) {
                got.add(m);
            }
        } while (!"presence".equals(m.get("type")));
        return got;
    }

    /** {@code name} of each entry of a history's {@code messages}. */
    static List<Object> each(List<Object> entries, String name) {
        return entries.stream().map(e -> (Object) ((Map<?, ?>) e).get(name)).toList();
    }

    static double offset(Map<String, Object> m) {
        return (Double) m.get("offset");
    }

    @Test
    void aRejoinWithThePositionLastSeenReplaysExactlyTheMissedMessages() throws Exception {
        ChatServer chat = start(ChatOptions.builder());
        ChatPeer ada = ChatPeer.chat(client, chat.port());
        ada.join("lobby", "ada");
        Away bob = joinSeeOneThenDrop(chat, ada, "bob");
        sayAll(ada, "missed 1", "missed 2", "missed 3");

        ChatPeer back = ChatPeer.chat(client, chat.port());
        back.rejoin("lobby", "bob", bob.session(), bob.lastSeen());
        assertThat(back.next("joined")).containsEntry("nick", "bob");
        List<Map<String, Object>> got = untilPresence(back);
        assertThat(got)
                .extracting(m -> m.get("type"))
                .as("no history: the replay is exact")
                .containsExactly("subscribed", "message", "message", "message", "presence");
        double from = offset(bob.lastSeen());
        assertThat(got.get(0))
                .containsEntry("recovered", true)
                .containsEntry("replayed", 3.0)
                .containsEntry("epoch", bob.lastSeen().get("epoch"))
                .containsEntry("offset", from + 3);
        for (int i = 1; i <= 3; i++) {
            assertThat(got.get(i)).containsEntry("text", "missed " + i).containsEntry("offset", from + i);
        }
        // then live, once: the next message follows the replay without a duplicate or a gap
        assertThat(ada.next("member-joined")).containsEntry("nick", "bob");
        sayAll(ada, "live");
        assertThat(back.next("message")).containsEntry("text", "live").containsEntry("offset", from + 4);
    }

    @Test
    void aRejoinWithNothingMissedReplaysNothing() throws Exception {
        ChatServer chat = start(ChatOptions.builder());
        ChatPeer ada = ChatPeer.chat(client, chat.port());
        ada.join("lobby", "ada");
        Away bob = joinSeeOneThenDrop(chat, ada, "bob");
        ChatPeer back = ChatPeer.chat(client, chat.port());
        back.rejoin("lobby", "bob", bob.session(), bob.lastSeen());
        back.next("joined");
        List<Map<String, Object>> got = untilPresence(back);
        assertThat(got).extracting(m -> m.get("type")).containsExactly("subscribed", "presence");
        assertThat(got.get(0)).containsEntry("recovered", true).containsEntry("replayed", 0.0);
    }

    @Test
    void moreMissedThanTheHistoryKeepsIsNotRecoveredAndTheLatestHistoryFollows() throws Exception {
        ChatServer chat = start(ChatOptions.builder().historySize(3));
        ChatPeer ada = ChatPeer.chat(client, chat.port());
        ada.join("lobby", "ada");
        Away bob = joinSeeOneThenDrop(chat, ada, "bob");
        for (int i = 1; i <= 5; i++) {
            clock.advance(java.time.Duration.ofSeconds(1)); // under the rate limit
            sayAll(ada, "missed " + i);
        }
        ChatPeer back = ChatPeer.chat(client, chat.port());
        back.rejoin("lobby", "bob", bob.session(), bob.lastSeen());
        back.next("joined");
        List<Map<String, Object>> got = untilPresence(back);
        assertThat(got).extracting(m -> m.get("type")).containsExactly("subscribed", "history", "presence");
        double latest = offset(bob.lastSeen()) + 5;
        assertThat(got.get(0))
                .containsEntry("recovered", false)
                .containsEntry("replayed", 0.0)
                .containsEntry("offset", latest);
        assertThat(each(messages(got.get(1)), "text")).containsExactly("missed 3", "missed 4", "missed 5");
        assertThat(each(messages(got.get(1)), "offset")).containsExactly(latest - 2, latest - 1, latest);
    }

    @Test
    void aNewServerIsANewEpochSoAPositionOfTheOldOneIsNotRecovered() throws Exception {
        ChatServer first = start(ChatOptions.builder());
        ChatPeer ada = ChatPeer.connect(client, first.port(), "/chat", Map.of());
        String session = (String) ada.next("welcome").get("session");
        ada.join("lobby", "ada");
        sayAll(ada, "before the restart");
        ada.say("the last one");
        Map<String, Object> last = ada.next("message");
        first.stop();
        assertThat(ada.awaitClose()).isEqualTo(1001);

        ChatServer second = start(ChatOptions.builder()); // a new in-memory engine: history is gone
        ChatPeer back = ChatPeer.chat(client, second.port());
        back.rejoin("lobby", "ada", session, last);
        back.next("joined");
        List<Map<String, Object>> got = untilPresence(back);
        assertThat(got).extracting(m -> m.get("type")).containsExactly("subscribed", "history", "presence");
        assertThat(got.get(0)).containsEntry("recovered", false).containsEntry("offset", 0.0);
        assertThat(got.get(0).get("epoch")).isNotEqualTo(last.get("epoch"));
        assertThat(messages(got.get(1))).isEmpty();
        sayAll(back, "after the restart"); // and the room goes on in the new epoch
    }

    @Test
    void aStoreThatLosesItsStreamsInterruptsLiveMembersWhoThenAskForTheHistory() throws Exception {
        FaultyStreamEngine engine = new FaultyStreamEngine();
        ChatServer chat = start(ChatOptions.builder().streamEngine(engine));
        ChatPeer ada = ChatPeer.chat(client, chat.port());
        ada.join("lobby", "ada");
        sayAll(ada, "one", "two");
        engine.loseStore();
        ada.say("after the flush");
        Map<String, Object> interrupted = ada.next("interrupted");
        assertThat(interrupted).containsEntry("room", "lobby").containsEntry("offset", 0.0);
        Map<String, Object> m = ada.next("message");
        assertThat(m)
                .containsEntry("text", "after the flush")
                .containsEntry("offset", 1.0)
                .containsEntry("epoch", interrupted.get("epoch"));
        ada.send("{\"type\":\"history\"}");
        assertThat(each(messages(ada.next("history")), "text")).containsExactly("after the flush");
    }

    @Test
    void aPositionNeverHandedOutIsRefusedAndTheMemberCanJoinAfresh() throws Exception {
        ChatServer chat = start(ChatOptions.builder());
        ChatPeer ada = ChatPeer.connect(client, chat.port(), "/chat", Map.of());
        String session = (String) ada.next("welcome").get("session");
        ada.join("lobby", "ada");
        ada.say("one");
        Map<String, Object> one = ada.next("message");
        Map<String, Object> ahead = Map.of("epoch", one.get("epoch"), "offset", 99.0);
        ada.rejoin("lobby", "ada", session, ahead);
        ada.next("joined");
        assertThat(ada.nextError()).isEqualTo("bad_position"); // no stream, so no member list either
        ada.join("lobby", "ada"); // what the page does then
    }

    @Test
    void theHistoryRequestNeedsARoom() throws Exception {
        ChatServer chat = start(ChatOptions.builder());
        ChatPeer ada = ChatPeer.chat(client, chat.port());
        ada.send("{\"type\":\"history\"}");
        assertThat(ada.nextError()).isEqualTo("not_joined");
    }

    @Test
    void joinPositionsAreValidated() throws Exception {
        String join = "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\"";
        assertThat(((ClientMessage.Join) ClientMessage.parse(join + ",\"epoch\":\"e-1_A\",\"offset\":7}")).since())
                .isEqualTo(new Position("e-1_A", 7));
        assertThat(((ClientMessage.Join) ClientMessage.parse(join + ",\"epoch\":null,\"offset\":null}")).since())
                .isNull();
        Map<String, ErrorCode> bad = Map.of(
                ",\"epoch\":\"e\"}",
                ErrorCode.MISSING_FIELD,
                ",\"offset\":3}",
                ErrorCode.MISSING_FIELD,
                ",\"epoch\":5,\"offset\":3}",
                ErrorCode.WRONG_TYPE,
                ",\"epoch\":\"e\",\"offset\":\"3\"}",
                ErrorCode.WRONG_TYPE,
                ",\"epoch\":\"e e\",\"offset\":3}",
                ErrorCode.BAD_POSITION,
                ",\"epoch\":\"" + "e".repeat(65) + "\",\"offset\":3}",
                ErrorCode.BAD_POSITION,
                ",\"epoch\":\"e\",\"offset\":-1}",
                ErrorCode.BAD_POSITION,
                ",\"epoch\":\"e\",\"offset\":1.5}",
                ErrorCode.BAD_POSITION,
                ",\"epoch\":\"e\",\"offset\":1e300}",
                ErrorCode.BAD_POSITION);
        for (Map.Entry<String, ErrorCode> c : bad.entrySet()) {
            assertThatThrownBy(() -> ClientMessage.parse(join + c.getKey()))
                    .as(c.getKey())
                    .isInstanceOfSatisfying(
                            ChatException.class, e -> assertThat(e.code()).isEqualTo(c.getValue()));
        }
    }
}
