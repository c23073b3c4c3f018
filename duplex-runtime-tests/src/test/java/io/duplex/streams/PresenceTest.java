package io.duplex.streams;

import static io.duplex.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Member;
import io.duplex.PresenceIdentity;
import io.duplex.PresenceOptions;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import io.duplex.testkit.Await;
import io.duplex.testkit.Loopback;
import io.duplex.testkit.RecordingHandler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence through real sockets, in memory: a topic's stream subscribers are its members; joins
 * and leaves reach subscribers with the user-level flag (two connections of one user are one
 * user); pages and stats. A client names itself with {@code as <user>} before it subscribes
 * ({@code sub <topic>}); events arrive in the {@link LineCodec} format.
 *
 * <p>Threading: JUnit's; one instance per test method.
 */
class PresenceTest {
    final LineCodec codec = new LineCodec();
    final Map<WebSocket, String> users = new ConcurrentHashMap<>();
    final AtomicReference<WebSocketServer> serverRef = new AtomicReference<>();
    WebSocketServer server;
    final WebSocketClient client = WebSocketClient.builder().build();

    @BeforeEach
    void start() {
        server = Loopback.server()
                .presence("p.*", PresenceOptions.enabled())
                .presence("small.*", new PresenceOptions(true, 8))
                .presenceIdentity(ws -> new PresenceIdentity.Identity(users.getOrDefault(ws, ""), "information"))
                .route("/s", WebSocketHandler.onText((ws, text) -> {
                    String[] w = text.split(" ");
                    switch (w[0]) {
                        case "as" -> {
                            users.put(ws, w[1]);
                            ws.send("ok");
                        }
                        case "sub" ->
                            serverRef
                                    .get()
                                    .streams()
                                    .subscribe(ws, w[1], null, codec)
                                    .whenComplete((r, e) -> {
                                        if (e != null) {
                                            ws.send("err " + StreamsTest.error(e));
                                        }
                                    });
                        case "unsub" ->
                            ws.send("unsub " + serverRef.get().streams().unsubscribe(ws, w[1]));
                        default -> ws.send("err unknown");
                    }
                }))
                .start();
        serverRef.set(server);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(5));
    }

    RecordingHandler member(String user, String topic) {
        RecordingHandler h = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/s"), h));
        if (!user.isEmpty()) {
            ws.send("as " + user);
            assertThat(h.nextText()).isEqualTo("ok");
        }
        ws.send("sub " + topic);
        assertThat(h.nextText()).startsWith("sub " + topic + " true ");
        return h;
    }

    PresenceStats stats(String topic) {
        return await(server.streams().presenceStats(topic).toCompletableFuture());
    }

    @Test
    void joinsAndLeavesCarryTheUserLevelFlag() {
        // A subscriber is a member before its answer, so it is not sent its own join.
        RecordingHandler aliceTab1 = member("alice", "p.room");
        assertThat(stats("p.room")).isEqualTo(new PresenceStats(1, 1));
        RecordingHandler aliceTab2 = member("alice", "p.room");
        assertThat(aliceTab1.nextText()).isEqualTo("join p.room alice false");
        RecordingHandler bob = member("bob", "p.room");
        for (RecordingHandler h : new RecordingHandler[] {aliceTab1, aliceTab2}) {
            assertThat(h.nextText()).isEqualTo("join p.room bob true");
        }
        assertThat(stats("p.room")).isEqualTo(new PresenceStats(3, 2));
        assertThat(aliceTab2.texts).isEmpty();
        assertThat(bob.texts).isEmpty();

        // One of alice's tabs closes: alice is still here.
        await(aliceTab2.opened).close(1000, "bye");
        assertThat(aliceTab1.nextText()).isEqualTo("leave p.room alice false");
        assertThat(bob.nextText()).isEqualTo("leave p.room alice false");
        // Her last one unsubscribes: alice left.
        await(aliceTab1.opened).send("unsub p.room");
        assertThat(aliceTab1.nextText()).isEqualTo("unsub true");
        assertThat(bob.nextText()).isEqualTo("leave p.room alice true");
        assertThat(stats("p.room")).isEqualTo(new PresenceStats(1, 1));
        assertThat(aliceTab1.texts).isEmpty();
    }

    @Test
    void membersArePagedEachExactlyOnce() {
        for (int i = 0; i < 7; i++) {
            member("u" + i, "p.big");
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            PresencePage page =
                    await(server.streams().presence("p.big", cursor, 3).toCompletableFuture());
            for (Member m : page.members()) {
                assertThat(seen.add(m.userId()))
                        .as("member %s once", m.userId())
                        .isTrue();
                assertThat(m.info()).isEqualTo("information");
            }
            cursor = page.cursor();
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(7);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void anonymousConnectionsAreUsersOfTheirOwn() {
        member("", "p.anon");
        member("", "p.anon");
        assertThat(stats("p.anon")).isEqualTo(new PresenceStats(2, 2));
    }

    @Test
    void refusalsCarryTheirErrorAndChangeNothing() {
        assertThat(StreamsTest.error(Await.catchFailure(
                        server.streams().presenceStats("plain").toCompletableFuture())))
                .isEqualTo(StreamError.NO_PRESENCE);
        assertThat(StreamsTest.error(Await.catchFailure(
                        server.streams().presence("p.room", null, 0).toCompletableFuture())))
                .isEqualTo(StreamError.BAD_REQUEST);
        // Member info over the topic's cap (11 bytes over 8): the subscribe is refused, nobody joins.
        RecordingHandler h = new RecordingHandler();
        WebSocket ws = await(client.connect(Loopback.uri(server, "/s"), h));
        ws.send("sub small.room");
        assertThat(h.nextText()).isEqualTo("err TOO_LARGE");
        assertThat(stats("small.room")).isEqualTo(new PresenceStats(0, 0));
        assertThat(server.streams().subscriberCount("small.room")).isZero();
    }

    @Test
    void aTopicWithoutPresenceHasNoMembersAndSendsNoEvents() {
        RecordingHandler h = member("alice", "plain");
        RecordingHandler other = member("bob", "plain");
        assertThat(h.texts).isEmpty();
        assertThat(other.texts).isEmpty();
        assertThat(server.streams().presenceOf("plain")).isNull();
    }

    static StreamError error(Throwable e) {
        Throwable c = e instanceof CompletionException ? e.getCause() : e;
        return c instanceof StreamException s ? s.error() : null;
    }
}
