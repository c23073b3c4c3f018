package io.duplex.examples.chat;

import static io.duplex.examples.chat.ChatPeer.nicks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.WebSocketClient;
import io.duplex.handshake.HandshakeException;
import io.duplex.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat server over real sockets, with Duplex's client: protocol, validation, limits, presence. */
class ChatServerTest {
    final ManualClock clock = new ManualClock();
    final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();
    ChatServer chat;

    ChatServer start(ChatOptions.Builder options) {
        chat = ChatServer.start(
                options.host("127.0.0.1").port(0).eventLoops(2).clock(clock).build());
        return chat;
    }

    ChatServer start() {
        return start(ChatOptions.builder());
    }

    ChatPeer peer() throws Exception {
        return ChatPeer.chat(client, chat.port());
    }

    @AfterEach
    void stop() {
        client.close();
        if (chat != null) {
            chat.stop();
        }
    }

    @Test
    void welcomeThenJoinAnswersJoinedSubscribedHistoryAndPresence() throws Exception {
        start();
        ChatPeer ada = ChatPeer.connect(client, chat.port(), "/chat", Map.of());
        Map<String, Object> welcome = ada.next("welcome");
        assertThat(welcome)
                .containsEntry("protocol", 3.0)
                .containsEntry("maxText", 1000.0)
                .containsEntry("history", 50.0);
        assertThat((String) welcome.get("session")).matches("[0-9a-f]{32}");
        ada.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"  ada  \"}");
        assertThat(ada.next("joined")).containsEntry("room", "lobby").containsEntry("nick", "ada");
        Map<String, Object> subscribed = ada.next("subscribed");
        assertThat(subscribed)
                .containsEntry("room", "lobby")
                .containsEntry("recovered", true)
                .containsEntry("offset", 0.0)
                .containsEntry("replayed", 0.0);
        assertThat((String) subscribed.get("epoch")).matches("[A-Za-z0-9_-]{1,64}");
        assertThat(ada.next("history")).containsEntry("room", "lobby").containsEntry("messages", List.of());
        Map<String, Object> presence = ada.next("presence");
        assertThat(presence).containsEntry("room", "lobby").containsEntry("total", 1.0);
        assertThat(nicks(presence)).containsExactly("ada");
    }

    @Test
    void membersSeeJoinsPresenceMessagesAndTyping() throws Exception {
        start();
        ChatPeer ada = peer();
        ChatPeer bob = peer();
        ada.join("lobby", "ada");
        bob.join("lobby", "bob");
        assertThat(ada.next("member-joined")).containsEntry("nick", "bob").containsEntry("room", "lobby");
        assertThat(ada.members()).containsExactlyInAnyOrder("ada", "bob");
        bob.awaitMembers("ada", "bob");

        ada.say("hello <b>bob</b> \"quoted\" \\ é 🌍\nline two");
        for (ChatPeer p : List.of(ada, bob)) { // the sender gets its own message back, with the server's ts
            Map<String, Object> m = p.next("message");
            assertThat(m)
                    .containsEntry("room", "lobby")
                    .containsEntry("nick", "ada")
                    .containsEntry("text", "hello <b>bob</b> \"quoted\" \\ é 🌍\nline two")
                    .containsEntry("ts", (double) clock.millis())
                    .containsEntry("offset", 1.0) // the room's first publication
                    .containsKey("epoch");
        }

        bob.send("{\"type\":\"typing\"}");
        assertThat(ada.next("typing")).containsEntry("nick", "bob").containsEntry("room", "lobby");
        bob.say("after typing");
        // typing goes to the others only: bob's next message is his own text
        assertThat(bob.next("message")).containsEntry("text", "after typing");
        assertThat(ada.next("message")).containsEntry("text", "after typing");
    }

    @Test
    void aJoinerGetsTheLast50MessagesInOrder() throws Exception {
        start();
        ChatPeer ada = peer();
        ada.join("lobby", "ada");
        for (int i = 0; i < 60; i++) {
            clock.advance(Duration.ofMillis(250)); // 4 a second: under the rate limit
            ada.say("m" + i);
            assertThat(ada.next("message")).containsEntry("text", "m" + i);
        }
        ChatPeer late = peer();
        List<Object> history = late.join("lobby", "late");
        assertThat(history).hasSize(50);
        for (int i = 0; i < 50; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> line = (Map<String, Object>) history.get(i);
            assertThat(line)
                    .containsEntry("nick", "ada")
                    .containsEntry("text", "m" + (i + 10))
                    .containsEntry("offset", (double) (i + 11));
        }
        // the history ends where the subscription starts: the next message arrives once, live
        ada.say("live");
        assertThat(late.next("message")).containsEntry("text", "live").containsEntry("offset", 61.0);
    }

    @Test
    void badMessagesAreAnsweredWithErrorsAndTheConnectionStaysOpen() throws Exception {
        start();
        ChatPeer p = peer();
        Map<String, String> beforeJoin = new java.util.LinkedHashMap<>();
        beforeJoin.put("not json", "bad_json");
        beforeJoin.put("[\"join\"]", "bad_json");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"x\",}", "bad_json");
        beforeJoin.put("{\"type\":\"join\",\"room\":{\"a\":1},\"nick\":\"x\"}", "bad_json");
        beforeJoin.put("{\"type\":\"join\",\"type\":\"leave\"}", "bad_json");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"\\ud800\"}", "bad_json");
        beforeJoin.put("{\"type\":\"message\",\"text\":\"x\"} trailing", "bad_json");
        beforeJoin.put("{\"type\":\"dance\"}", "unknown_type");
        beforeJoin.put("{}", "missing_field");
        beforeJoin.put("{\"type\":null}", "missing_field");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\"}", "missing_field");
        beforeJoin.put("{\"type\":\"join\",\"room\":5,\"nick\":\"x\"}", "wrong_type");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":[\"x\"]}", "wrong_type");
        beforeJoin.put("{\"type\":7}", "wrong_type");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"Lobby\",\"nick\":\"x\"}", "bad_room");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"\",\"nick\":\"x\"}", "bad_room");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"" + "r".repeat(33) + "\",\"nick\":\"x\"}", "bad_room");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"   \"}", "bad_nick");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"" + "n".repeat(25) + "\"}", "bad_nick");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\\u0007b\"}", "bad_nick");
        beforeJoin.put("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"adm\\u202eni\"}", "bad_nick");
        beforeJoin.put("{\"type\":\"message\",\"text\":\"hi\"}", "not_joined");
        beforeJoin.put("{\"type\":\"typing\"}", "not_joined");
        beforeJoin.put("{\"type\":\"leave\"}", "not_joined");
        for (Map.Entry<String, String> c : beforeJoin.entrySet()) {
            clock.advance(Duration.ofSeconds(1)); // stay under the rate limit
            p.send(c.getKey());
            assertThat(p.nextError()).as(c.getKey()).isEqualTo(c.getValue());
        }
        p.join("lobby", "ada");
        Map<String, String> afterJoin = Map.of(
                "{\"type\":\"message\",\"text\":\"" + "t".repeat(1001) + "\"}",
                "text_too_long",
                "{\"type\":\"message\",\"text\":\" \\n \"}",
                "bad_text",
                "{\"type\":\"message\",\"text\":\"a\\u0000b\"}",
                "bad_text",
                "{\"type\":\"message\",\"text\":true}",
                "wrong_type");
        for (Map.Entry<String, String> c : afterJoin.entrySet()) {
            clock.advance(Duration.ofSeconds(1));
            p.send(c.getKey());
            assertThat(p.nextError()).as(c.getKey()).isEqualTo(c.getValue());
        }
        p.sendBinary();
        assertThat(p.nextError()).isEqualTo("binary_not_supported");
        p.say("t".repeat(1000) + ""); // the longest text is fine
        assertThat(p.next("message")).containsEntry("nick", "ada");
        p.send("{\"type\":\"message\",\"text\":\"ok\",\"future\":[1,2]}"); // unknown members are ignored
        assertThat(p.next("message")).containsEntry("text", "ok");
        assertThat(p.ws.readyState()).isEqualTo(io.duplex.ReadyState.OPEN);
    }

    @Test
    void aMessageAboveFourKibClosesWith1009() throws Exception {
        start();
        ChatPeer p = peer();
        p.send("x".repeat(ChatServer.MAX_MESSAGE_BYTES + 1));
        assertThat(p.awaitClose()).isEqualTo(1009);
    }

    @Test
    void nicksAreUniquePerRoomIgnoringCase() throws Exception {
        start();
        ChatPeer ada = peer();
        ChatPeer other = peer();
        ada.join("lobby", "Ada");
        other.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ADA\"}");
        assertThat(other.nextError()).isEqualTo("nick_taken");
        other.join("kitchen", "ada"); // another room: fine
    }

    @Test
    void rateLimitDropsExcessThenCloses1008OnPersistentAbuse() throws Exception {
        start();
        ChatPeer ada = peer(); // the welcome cost nothing; the clock stands still from here
        ada.join("lobby", "ada"); // 1 token
        for (int i = 0; i < Session.BURST - 1; i++) {
            ada.say("burst " + i);
            assertThat(ada.next("message")).containsEntry("text", "burst " + i);
        }
        ada.say("one too many");
        assertThat(ada.nextError()).isEqualTo("rate_limited");
        clock.advance(Duration.ofSeconds(1)); // 5 tokens back
        for (int i = 0; i < 5; i++) {
            ada.say("refilled " + i);
            assertThat(ada.next("message")).containsEntry("text", "refilled " + i);
        }
        // 1 strike used above, 1 more refilled in that second (capped at 20): 20 more are answered,
        // the next one closes the connection.
        for (int i = 0; i < Session.STRIKES; i++) {
            ada.say("flood " + i);
            assertThat(ada.nextError()).isEqualTo("rate_limited");
        }
        ada.say("the last straw");
        assertThat(ada.awaitClose()).isEqualTo(1008);
    }

    @Test
    void presenceFollowsLeavesAndDisconnects() throws Exception {
        start();
        ChatPeer ada = peer();
        ChatPeer bob = peer();
        ChatPeer cy = peer();
        ada.join("lobby", "ada");
        bob.join("lobby", "bob");
        cy.join("lobby", "cy");
        ada.awaitMembers("ada", "bob", "cy");
        cy.awaitMembers("ada", "bob", "cy");

        bob.ws.abort(); // no close handshake: the server sees the TCP connection drop
        assertThat(ada.next("member-left")).containsEntry("nick", "bob");
        assertThat(ada.members()).containsExactlyInAnyOrder("ada", "cy");
        assertThat(cy.next("member-left")).containsEntry("nick", "bob");

        cy.send("{\"type\":\"leave\"}");
        assertThat(cy.next("left")).containsEntry("nick", "cy").containsEntry("room", "lobby");
        assertThat(ada.next("member-left")).containsEntry("nick", "cy");
        assertThat(ada.members()).containsExactly("ada");

        cy.join("lobby", "cy"); // back, and history was kept
        assertThat(cy.members()).containsExactlyInAnyOrder("ada", "cy");
        assertThat(ada.next("member-joined")).containsEntry("nick", "cy");
        assertThat(ada.memberEvents)
                .containsExactly(
                        "member-joined bob", // not its own: a member before its answer
                        "member-joined cy",
                        "member-left bob",
                        "member-left cy",
                        "member-joined cy");
    }

    @Test
    void joiningAnotherRoomLeavesTheFirst() throws Exception {
        start();
        ChatPeer ada = peer();
        ChatPeer bob = peer();
        bob.join("lobby", "bob");
        ada.join("lobby", "ada");
        bob.awaitMembers("ada", "bob");
        ada.expectList();
        ada.send("{\"type\":\"join\",\"room\":\"kitchen\",\"nick\":\"ada\"}");
        assertThat(ada.next("left")).containsEntry("room", "lobby");
        assertThat(ada.next("joined")).containsEntry("room", "kitchen");
        assertThat(bob.next("member-left")).containsEntry("nick", "ada");
        assertThat(bob.members()).containsExactly("bob");
        ada.awaitMembers("ada");
    }

    @Test
    void aNewConnectionWithTheOldSessionIdTakesOverTheNick() throws Exception {
        start();
        ChatPeer old = ChatPeer.connect(client, chat.port(), "/chat", Map.of());
        String session = (String) old.next("welcome").get("session");
        old.join("lobby", "ada");
        ChatPeer bob = peer();
        bob.join("lobby", "bob");

        ChatPeer thief = peer();
        thief.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"resume\":\"" + "0".repeat(32) + "\"}");
        assertThat(thief.nextError()).isEqualTo("nick_taken");

        bob.awaitMembers("ada", "bob");
        ChatPeer fresh = peer(); // the same browser after a network drop the server did not notice
        fresh.expectList();
        fresh.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"resume\":\"" + session + "\"}");
        assertThat(fresh.next("joined")).containsEntry("nick", "ada");
        fresh.next("subscribed");
        fresh.next("history");
        fresh.awaitMembers("ada", "bob");
        assertThat(old.awaitClose()).isEqualTo(ChatHandler.REPLACED);
        fresh.say("still me");
        assertThat(bob.next("message")).containsEntry("nick", "ada").containsEntry("text", "still me");
        // bob saw no leave/join pair: ada's two connections are one member throughout
        ChatPeer cy = peer();
        cy.join("lobby", "cy");
        assertThat(bob.next("member-joined")).containsEntry("nick", "cy");
        // (a member is not sent its own join: it is a member before its answer)
        assertThat(bob.memberEvents).containsExactly("member-joined cy");
    }

    @Test
    void roomsAreBoundedAndEmptyOnesAreForgotten() throws Exception {
        start(ChatOptions.builder().maxRooms(2));
        ChatPeer a = peer();
        ChatPeer b = peer();
        ChatPeer c = peer();
        a.join("one", "a");
        b.join("two", "b");
        c.send("{\"type\":\"join\",\"room\":\"three\",\"nick\":\"c\"}");
        assertThat(c.nextError()).isEqualTo("too_many_rooms");
        a.send("{\"type\":\"leave\"}");
        a.next("left");
        c.join("three", "c"); // "one" is empty: forgotten to make room
    }

    @Test
    void browsersFromOtherOriginsAreRefused() throws Exception {
        start(ChatOptions.builder().allowedOrigins(List.of("https://chat.example")));
        int port = chat.port();
        try (WebSocketClient evil = browserAt("http://evil.example");
                WebSocketClient self = browserAt("http://127.0.0.1:" + port);
                WebSocketClient listed = browserAt("https://chat.example")) {
            assertThatThrownBy(() -> ChatPeer.connect(evil, port, "/chat", Map.of()))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(HandshakeException.class)
                    .extracting(e -> ((HandshakeException) e).status())
                    .isEqualTo(403);
            ChatPeer.connect(self, port, "/chat", Map.of()).next("welcome");
            ChatPeer.connect(listed, port, "/chat", Map.of()).next("welcome");
        }
    }

    private static WebSocketClient browserAt(String origin) {
        return WebSocketClient.builder().eventLoops(1).origin(origin).build();
    }

    @Test
    void dashboardsGetTheLatestMetricsAtOnceAndThenEverySecond() throws Exception {
        start(ChatOptions.builder().metricsInterval(Duration.ofMillis(100)));
        ChatPeer ada = peer();
        ada.join("lobby", "ada");
        ada.say("counted");
        ada.next("message");
        ChatPeer dash = ChatPeer.connect(client, chat.port(), "/metrics", Map.of());
        assertThat(dash.next("metrics")).containsKeys("instance", "ts", "connections", "messagesPerSecond");
        Map<String, Object> m;
        do { // a later push counts the dashboard, the chat connection and the message
            m = dash.next("metrics");
        } while (!m.get("dashboards").equals(1.0) || !m.get("messagesTotal").equals(1.0));
        assertThat(m).containsEntry("connections", 1.0);
        assertThat(m.get("rooms")).isEqualTo(List.of(Map.of("name", "lobby", "members", 1.0)));
    }

    @Test
    void theDashboardShowsWhatTheServerCountedThroughItsMetricsListener() throws Exception {
        start(ChatOptions.builder().metricsInterval(Duration.ofMillis(100)));
        ChatPeer dash = ChatPeer.connect(client, chat.port(), "/metrics", Map.of());
        assertThat(dash.next("metrics"))
                .containsKeys(
                        "messagesInPerSecond", "messagesOutPerSecond", "handshakes", "handshakesRejected", "dropped");
        // A refused upgrade: no route at this path (404), counted by the server, not by the chat.
        assertThatThrownBy(() -> ChatPeer.connect(client, chat.port(), "/nowhere", Map.of()))
                .hasRootCauseInstanceOf(HandshakeException.class);
        ChatPeer ada = peer();
        ada.join("lobby", "ada");
        ada.say("counted by the server");
        ada.next("message");
        double inSeen = 0;
        double outSeen = 0;
        Map<String, Object> m;
        do { // rates show for one interval each; the counts only grow
            m = dash.next("metrics");
            inSeen = Math.max(inSeen, (Double) m.get("messagesInPerSecond"));
            outSeen = Math.max(outSeen, (Double) m.get("messagesOutPerSecond"));
        } while (inSeen == 0
                || outSeen == 0
                || (Double) m.get("handshakes") < 2
                || (Double) m.get("handshakesRejected") < 1
                || !m.get("connections").equals(1.0));
        assertThat(m)
                .containsEntry("handshakes", 2.0) // the dashboard and ada
                .containsEntry("handshakesRejected", 1.0)
                .containsEntry("connections", 1.0)
                .containsEntry("dashboards", 1.0)
                .containsEntry("dropped", 0.0);
        ada.ws.close(1000, "bye");
        do { // ada's close, as the server saw it
            m = dash.next("metrics");
        } while (!m.get("connections").equals(0.0));
        assertThat(chat.connections()).isZero();
    }

    @Test
    void thePagesAreServedFromTheClasspath() throws Exception {
        start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String page : List.of("/", "/chat.js", "/chat.css", "/dashboard.html", "/dashboard.js")) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + chat.port() + page))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.body()).as(page).isNotBlank();
        }
    }

    @Test
    void mainOptionsParse() {
        ChatOptions o = ChatServer.parse(new String[] {"--port", "9000", "--host", "127.0.0.1", "--allow-origin", "a"});
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.allowedOrigins()).containsExactly("a");
        assertThat(ChatServer.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--port", "x"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--bogus", "1"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChatServer.parse(new String[] {"--port"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
