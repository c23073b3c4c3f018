package io.duplex.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.testkit.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two chat servers in one JVM sharing one stream store and one presence store ({@link
 * SharedEngines}, a stand-in for Redis): the member list is the room's on both nodes, joins and
 * leaves on one are seen on the other, a nick is unique across both, and a node's members leave
 * when it stops (or, on a store with expiry, when it crashes).
 */
class ChatTwoNodesTest {
    final ManualClock clock = new ManualClock();
    final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();
    final SharedEngines shared = new SharedEngines(clock);
    final List<ChatServer> servers = new ArrayList<>();

    ChatServer node(SharedEngines.Node engines) {
        ChatServer s = ChatServer.start(ChatOptions.builder()
                .host("127.0.0.1")
                .port(0)
                .eventLoops(2)
                .clock(clock)
                .streamEngine(engines.streamEngine)
                .presenceEngine(engines.presenceEngine)
                .build());
        servers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        client.close();
        servers.forEach(ChatServer::stop);
    }

    @Test
    void theMemberListIsTheRoomsOnBothNodes() throws Exception {
        ChatServer a = node(shared.node());
        ChatServer b = node(shared.node());
        ChatPeer ada = ChatPeer.chat(client, a.port());
        ChatPeer bob = ChatPeer.chat(client, b.port());
        ada.join("lobby", "ada");
        bob.join("lobby", "bob");
        assertThat(bob.members()).as("bob's list, read on node b").containsExactlyInAnyOrder("ada", "bob");
        assertThat(ada.next("member-joined")).as("bob's join, seen on node a").containsEntry("nick", "bob");
        assertThat(ada.members()).containsExactlyInAnyOrder("ada", "bob");

        ada.say("across nodes");
        assertThat(bob.next("message")).containsEntry("nick", "ada").containsEntry("text", "across nodes");
        ada.next("message"); // its own, back

        ChatPeer cy = ChatPeer.chat(client, b.port());
        cy.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ADA\"}");
        assertThat(cy.nextError()).as("ada is on the other node").isEqualTo("nick_taken");
        cy.join("lobby", "cy");
        assertThat(cy.members()).containsExactlyInAnyOrder("ada", "bob", "cy");

        ada.send("{\"type\":\"leave\"}");
        assertThat(ada.next("left")).containsEntry("nick", "ada");
        assertThat(bob.next("member-left")).as("ada's leave, seen on node b").containsEntry("nick", "ada");
        assertThat(bob.members()).containsExactlyInAnyOrder("bob", "cy");
        ChatPeer other = ChatPeer.chat(client, b.port());
        other.join("lobby", "ada"); // free again, on every node
        assertThat(ada.ws.readyState()).isEqualTo(io.duplex.ReadyState.OPEN);
    }

    @Test
    void aStoppedNodesMembersLeaveTheOthersList() throws Exception {
        ChatServer a = node(shared.node());
        ChatServer b = node(shared.node());
        ChatPeer ada = ChatPeer.chat(client, a.port());
        ChatPeer dan = ChatPeer.chat(client, a.port());
        ChatPeer bob = ChatPeer.chat(client, b.port());
        ada.join("lobby", "ada");
        dan.join("lobby", "dan");
        bob.join("lobby", "bob");
        assertThat(bob.members()).containsExactlyInAnyOrder("ada", "bob", "dan");

        a.stop(); // 1001 to its pages, whose subscriptions end: they leave the room everywhere
        assertThat(List.of(
                        bob.next("member-left").get("nick"),
                        bob.next("member-left").get("nick")))
                .containsExactlyInAnyOrder("ada", "dan");
        assertThat(bob.members()).containsExactly("bob");
    }

    @Test
    void aCrashedNodesMembersLeaveOnceTheStoreDropsThem() throws Exception {
        SharedEngines.Node crashing = shared.node();
        ChatServer a = node(crashing);
        ChatServer b = node(shared.node());
        ChatPeer ada = ChatPeer.chat(client, a.port());
        ChatPeer bob = ChatPeer.chat(client, b.port());
        ada.join("lobby", "ada");
        bob.join("lobby", "bob");
        assertThat(bob.members()).containsExactlyInAnyOrder("ada", "bob");

        crashing.crash(); // what expiry does on Redis when a node stops refreshing its members
        assertThat(bob.next("member-left")).containsEntry("nick", "ada");
        assertThat(bob.members()).containsExactly("bob");
        ChatPeer again = ChatPeer.chat(client, b.port());
        again.join("lobby", "ada"); // the nick is free once its holder is gone
    }

    @Test
    void aPageResumingOnTheOtherNodeKeepsItsNickAndIsOneMember() throws Exception {
        ChatServer a = node(shared.node());
        ChatServer b = node(shared.node());
        ChatPeer old = ChatPeer.connect(client, a.port(), "/chat", Map.of());
        String session = (String) old.next("welcome").get("session");
        old.join("lobby", "ada");
        ChatPeer bob = ChatPeer.chat(client, b.port());
        bob.join("lobby", "bob");

        ChatPeer thief = ChatPeer.chat(client, b.port());
        thief.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"resume\":\"" + "0".repeat(32) + "\"}");
        assertThat(thief.nextError()).isEqualTo("nick_taken");

        ChatPeer fresh = ChatPeer.chat(client, b.port()); // the page came back through the other node
        fresh.expectList();
        fresh.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"resume\":\"" + session + "\"}");
        assertThat(fresh.next("joined")).containsEntry("nick", "ada");
        fresh.awaitMembers("ada", "bob");
        old.ws.abort(); // its old connection goes at last: ada stays, one member throughout
        fresh.say("still me");
        assertThat(bob.next("message")).containsEntry("nick", "ada").containsEntry("text", "still me");
        ChatPeer cy = ChatPeer.chat(client, a.port());
        cy.join("lobby", "cy");
        assertThat(bob.next("member-joined")).containsEntry("nick", "cy");
        assertThat(bob.memberEvents).containsExactly("member-joined cy");
    }
}
