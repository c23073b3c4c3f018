package io.duplex.topics.client;

import static io.duplex.testkit.Await.await;
import static io.duplex.testkit.Await.catchFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.ReconnectPolicy;
import io.duplex.topics.client.RecordingListener.Event;
import io.duplex.topics.client.RecordingListener.Join;
import io.duplex.topics.client.RecordingListener.Leave;
import io.duplex.topics.client.RecordingListener.Subscribed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicsClient}'s presence on real sockets: join and leave events with the user flag, member
 * pages and stats, refusals as {@link TopicsException}s, and presence events asked again after a
 * reconnect.
 */
class TopicsClientPresenceTest {
    private static final ReconnectPolicy FAST =
            ReconnectPolicy.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(100));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private TopicsClient connected(TopicsTestServer server, String user) {
        TopicsClient client = TopicsClient.builder(server.uri())
                .reconnect(FAST)
                .header(TopicsTestServer.USER_HEADER, user)
                .build();
        resources.add(client);
        await(client.connect());
        return client;
    }

    /** The next presence event not about {@code self}'s own connections. */
    private static Event other(RecordingListener listener, String self) {
        for (int i = 0; i < 100; i++) {
            Event e = listener.next();
            PresenceMember m = e instanceof Join j ? j.member() : e instanceof Leave l ? l.member() : null;
            if (m == null || !m.user().equals(self)) {
                return e;
            }
        }
        throw new AssertionError("only events about " + self);
    }

    @Test
    void eventsQueriesAndRefusals() {
        TopicsTestServer server = TopicsTestServer.start();
        resources.add(server);
        TopicsClient watcher = connected(server, "watcher");
        RecordingListener room = new RecordingListener();
        Subscription s =
                watcher.subscribe("room.a", room, SubscribeOptions.defaults().withPresence());
        assertThat(s.presence()).isTrue();
        room.next(Subscribed.class);

        TopicsClient tab1 = connected(server, "alice");
        TopicsClient tab2 = connected(server, "alice");
        RecordingListener quiet = new RecordingListener();
        tab1.subscribe("room.a", quiet);
        Join first = (Join) other(room, "watcher");
        assertThat(first.user()).isTrue();
        assertThat(first.member().user()).isEqualTo("alice");
        assertThat(first.member().info().path("name").asText()).isEqualTo("alice");
        Subscription second = tab2.subscribe("room.a", new RecordingListener());
        Join again = (Join) other(room, "watcher");
        assertThat(again.user()).isFalse();
        assertThat(again.member().client()).isNotEqualTo(first.member().client());

        TopicPresenceStats stats = await(watcher.presenceStats("room.a"));
        assertThat(stats).isEqualTo(new TopicPresenceStats("room.a", 3, 2));
        TopicPresencePage page = await(watcher.presence("room.a", null, 2));
        assertThat(page.members()).hasSize(2);
        assertThat(page.cursor()).isNotNull();
        TopicPresencePage rest = await(watcher.presence("room.a", page.cursor(), 2));
        assertThat(rest.members()).hasSize(1);
        assertThat(rest.cursor()).isNull();
        List<String> users = new ArrayList<>();
        page.members().forEach(m -> users.add(m.user()));
        rest.members().forEach(m -> users.add(m.user()));
        assertThat(users).containsExactlyInAnyOrder("watcher", "alice", "alice");

        await(second.unsubscribe());
        Leave left = (Leave) other(room, "watcher");
        assertThat(left.user()).isFalse();
        assertThat(left.member().client()).isEqualTo(again.member().client());
        tab1.close();
        Leave last = (Leave) other(room, "watcher");
        assertThat(last.user()).isTrue();
        assertThat(last.member().client()).isEqualTo(first.member().client());
        // The subscriber that did not ask got no events.
        assertThat(quiet.all(Join.class)).isEmpty();
        assertThat(quiet.all(Leave.class)).isEmpty();

        TopicsException none = (TopicsException) catchFailure(watcher.presence("chat.x", null, 10));
        assertThat(none.code()).isEqualTo(4010);
        assertThat(none.error()).isEqualTo("NO_PRESENCE");
        assertThat(((TopicsException) catchFailure(watcher.presenceStats("chat.x"))).code())
                .isEqualTo(4010);
        assertThat(((TopicsException) catchFailure(watcher.presence("room.a", null, 0))).code())
                .isEqualTo(4004);
        await(watcher.ping());
    }

    @Test
    void presenceEventsAreAskedAgainAfterAReconnect() {
        TopicsTestServer server = TopicsTestServer.start();
        resources.add(server);
        TopicsClient watcher = connected(server, "watcher");
        RecordingListener room = new RecordingListener();
        watcher.subscribe("room.b", room, SubscribeOptions.defaults().withPresence());
        room.next(Subscribed.class);

        assertThat(server.dropConnections()).isEqualTo(1);
        // Resubscribed after the reconnect (the listener is told again).
        for (int i = 0; ; i++) {
            assertThat(i).as("listener calls before the second answer").isLessThan(100);
            if (room.next() instanceof Subscribed) {
                break;
            }
        }
        TopicsClient bob = connected(server, "bob");
        bob.subscribe("room.b", new RecordingListener());
        Event e = other(room, "watcher");
        assertThat(e)
                .as(
                        "events since the reconnect: %s",
                        room.all().stream().map(Object::toString).collect(Collectors.joining("\n")))
                .isInstanceOf(Join.class);
        assertThat(((Join) e).member().user()).isEqualTo("bob");
        assertThat(((Join) e).user()).isTrue();
    }
}
