package io.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.WebSocketClient;
import io.duplex.cli.TopicsPeer.Position;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code duplex serve --topics --redis URI} nodes in-process on one real {@code redis-server}
 * (with an append-only file), clients speaking the topics protocol as raw JSON: streams are one
 * sequence whichever node a client is on, survive a Redis restart that kept its data, and say so
 * when a restart lost it; a publish while Redis is down is refused, the connection stays.
 */
class TopicsRedisTest {
    private RedisServer redis;
    private final List<RunningServe> nodes = new ArrayList<>();
    private final WebSocketClient client = WebSocketClient.builder().build();
    private RunningServe a;
    private RunningServe b;

    /** Redis's append-only files; JUnit deletes the folder after each test (Redis is stopped first). */
    @TempDir
    Path aof;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.startWithAof(aof);
        a = node();
        b = node();
    }

    private RunningServe node() throws Exception {
        RunningServe node = RunningServe.start(
                "--topics", "--quiet", "--redis", "redis://127.0.0.1:" + redis.port, "--history", "room.*=1000/10m");
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        client.close();
        for (RunningServe node : nodes) {
            node.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aPublishOnOneNodeReachesTheOtherAndASubscriberResumesThereWithExactlyWhatItMissed() {
        TopicsPeer onB = peer("on-b", b);
        onB.subscribe("room.a", null);
        Map<String, Object> answer = onB.next("subscribed");
        assertThat(answer).containsEntry("recovered", true);
        Position start = Position.of(answer.get("position"));

        TopicsPeer publisher = peer("publisher", a);
        TopicsPeer onA = peer("on-a", a);
        onA.subscribe("room.a", start);
        assertThat(onA.next("subscribed")).containsEntry("recovered", true).containsEntry("replayed", 0.0);
        Position last = start;
        for (int i = 1; i <= 5; i++) {
            Position p = publisher.publishAcked("room.a", "m" + i);
            assertThat(p).isEqualTo(last.next());
            last = p;
        }
        // Consecutive offsets on both nodes, the publishing node and the other one.
        expectPubs(onB, start, 5, "m", 1);
        Position seenOnA = expectPubs(onA, start, 5, "m", 1);

        // on-a drops; meanwhile four more are published (on B); it resumes on B from its position.
        onA.close();
        TopicsPeer publisherB = peer("publisher-b", b);
        for (int i = 6; i <= 9; i++) {
            publisherB.publishAcked("room.a", "m" + i);
        }
        TopicsPeer resumed = peer("resumed-on-b", b);
        resumed.subscribe("room.a", seenOnA);
        Map<String, Object> again = resumed.next("subscribed");
        assertThat(again).containsEntry("recovered", true).containsEntry("replayed", 4.0);
        Position after = expectPubs(resumed, seenOnA, 4, "m", 6);
        // Then live, and nothing between: the next message is the next publication.
        publisher.publishAcked("room.a", "m10");
        expectPubs(resumed, after, 1, "m", 10);
        expectPubs(onB, seenOnA, 5, "m", 6);
    }

    @Test
    void aRedisRestartWithItsAppendOnlyFileKeepsTheEpochAndWithoutItSubscribersAreTold() throws Exception {
        TopicsPeer onA = peer("on-a", a);
        TopicsPeer onB = peer("on-b", b);
        TopicsPeer away = peer("away", a);
        Position start = subscribe(onA, "room.c", null);
        subscribe(onB, "room.c", start);
        subscribe(away, "room.c", start);
        TopicsPeer publisher = peer("publisher", b);
        for (int i = 1; i <= 3; i++) {
            publisher.publishAcked("room.c", "c" + i);
        }
        Position three = expectPubs(onA, start, 3, "c", 1);
        expectPubs(onB, start, 3, "c", 1);
        expectPubs(away, start, 3, "c", 1);
        away.close();

        // With the AOF: same epoch, offsets go on, live subscribers get each once, no notice.
        redis.restart(true);
        awaitAvailable(a, b);
        for (int i = 4; i <= 6; i++) {
            assertThat(publisher.publishAcked("room.c", "c" + i)).isEqualTo(new Position(start.epoch(), i));
        }
        Position six = expectPubs(onA, three, 3, "c", 4);
        expectPubs(onB, three, 3, "c", 4);
        TopicsPeer back = peer("back-on-b", b);
        back.subscribe("room.c", three);
        assertThat(back.next("subscribed")).containsEntry("recovered", true).containsEntry("replayed", 3.0);
        expectPubs(back, three, 3, "c", 4);

        // Without it: a new epoch. Live subscribers get "interrupted" before the first publication
        // of the new epoch; a resuming one is told recovered=false. Never a silent gap.
        redis.restart(false);
        awaitAvailable(a, b);
        Position first = publisher.publishAcked("room.c", "fresh");
        assertThat(first.epoch()).isNotEqualTo(start.epoch());
        assertThat(first.offset()).isEqualTo(1);
        for (TopicsPeer live : List.of(onA, onB, back)) {
            Map<String, Object> notice = live.next("interrupted");
            assertThat(Position.of(notice.get("position"))).isEqualTo(new Position(first.epoch(), 0));
            expectPubs(live, new Position(first.epoch(), 0), 1, "fresh", 0);
        }
        TopicsPeer late = peer("late-on-a", a);
        late.subscribe("room.c", six);
        Map<String, Object> answer = late.next("subscribed");
        assertThat(answer).containsEntry("recovered", false).containsEntry("replayed", 0.0);
        assertThat(Position.of(answer.get("position"))).isEqualTo(first);
    }

    @Test
    void aPublishWhileRedisIsDownIsRefusedWithUnavailableAndTheConnectionStays() throws Exception {
        TopicsPeer subscriber = peer("subscriber", b);
        Position start = subscribe(subscriber, "room.d", null);
        TopicsPeer publisher = peer("publisher", a);
        Position one = publisher.publishAcked("room.d", "d1");
        expectPubs(subscriber, start, 1, "d", 1);

        redis.kill();
        int id = publisher.publish("room.d", "lost");
        Map<String, Object> error = publisher.next("error");
        assertThat(error)
                .containsEntry("id", (double) id)
                .containsEntry("code", 5001.0)
                .containsEntry("error", "UNAVAILABLE");
        assertThat(publisher.isOpen()).isTrue();
        int ping = publisher.ping();
        assertThat(publisher.next("pong")).containsEntry("id", (double) ping);

        // Back (the AOF kept it): the same connection publishes again, the subscriber goes on with
        // the next offset: the refused publish was delivered to no one.
        redis.launch();
        awaitAvailable(a, b);
        assertThat(publisher.publishAcked("room.d", "d2")).isEqualTo(one.next());
        expectPubs(subscriber, one, 1, "d", 2);
        assertThat(subscriber.isOpen()).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private TopicsPeer peer(String name, RunningServe node) {
        return TopicsPeer.connect(client, name, node.uri("/topics"));
    }

    /** Subscribes and returns the answer's position (which must be recovered). */
    private static Position subscribe(TopicsPeer peer, String topic, Position since) {
        peer.subscribe(topic, since);
        Map<String, Object> answer = peer.next("subscribed");
        assertThat(answer).as(peer.name).containsEntry("recovered", true);
        return since != null ? since : Position.of(answer.get("position"));
    }

    /**
     * The next {@code count} messages must be {@code pub}s right after {@code from}, with payloads
     * {@code prefix + first}, {@code prefix + (first + 1)}… ({@code first} 0: {@code prefix} alone).
     */
    private static Position expectPubs(TopicsPeer peer, Position from, int count, String prefix, int first) {
        Position at = from;
        for (int i = 0; i < count; i++) {
            Map<String, Object> pub = peer.next();
            at = at.next();
            String text = first == 0 ? prefix : prefix + (first + i);
            assertThat(pub)
                    .as("%s: publication %s", peer.name, at)
                    .containsEntry("type", "pub")
                    .containsEntry("data", Map.of("text", text));
            assertThat(Position.of(pub.get("position"))).as(peer.name).isEqualTo(at);
        }
        return at;
    }

    /** Waits until every node reads from Redis again (its engine reconnected after a restart). */
    private void awaitAvailable(RunningServe... servers) {
        for (RunningServe node : servers) {
            TopicsPeer probe = peer("probe", node);
            Await.eventually("node on port " + node.server().port() + " reads from Redis", () -> {
                probe.history("room.probe");
                return probe.next().get("type").equals("history");
            });
            probe.close();
        }
    }
}
