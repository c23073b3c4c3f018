package io.duplex.redis.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.Member;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisPresenceEngine} against the PresenceEngine contract, on a real standalone redis-server. */
class PresenceEngineTest {
    RedisServer redis;
    final List<RedisPresenceEngine> engines = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(null);
    }

    @AfterEach
    void stop() {
        engines.forEach(RedisPresenceEngine::close);
        if (redis != null) {
            redis.close();
        }
    }

    RedisPresenceEngine engine(RecordingPresence sink, Duration expiry) {
        RedisPresenceEngine e = RedisPresenceEngine.builder()
                .uri("redis://127.0.0.1:" + redis.port)
                .expiry(expiry)
                .maxReconnectDelay(Duration.ofMillis(200))
                .build();
        engines.add(e);
        e.start(sink);
        return e;
    }

    static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        Await.eventually(what, Duration.ofMillis(timeoutMillis), condition);
    }

    static PresenceStats stats(RedisPresenceEngine e, String topic) {
        try {
            return get(e.stats(topic));
        } catch (Exception x) {
            return null;
        }
    }

    @Test
    void twoConnectionsOfOneUserOnTwoNodesJoinAndLeaveOnceAtUserLevel() throws Exception {
        RecordingPresence sinkA = new RecordingPresence();
        RecordingPresence sinkB = new RecordingPresence();
        RedisPresenceEngine a = engine(sinkA, Duration.ofSeconds(30));
        RedisPresenceEngine b = engine(sinkB, Duration.ofSeconds(30));
        String t = "room.1";
        get(a.listen(t));
        get(b.listen(t));

        get(a.join(t, new Member("c1", "alice", "{\"tab\":1}")));
        get(b.join(t, new Member("c2", "alice", "{\"tab\":2}")));
        get(a.join(t, new Member("c1", "alice", "{\"tab\":1}"))); // idempotent: no event
        get(b.join(t, new Member("c2", "alice", "{\"tab\":2}")));
        get(b.join(t, new Member("c3", "bob", "")));
        assertThat(get(a.stats(t))).isEqualTo(new PresenceStats(3, 2));
        assertThat(get(b.stats(t))).isEqualTo(new PresenceStats(3, 2));

        get(a.leave(t, "c1"));
        get(a.leave(t, "c1")); // no-op
        assertThat(get(b.stats(t))).isEqualTo(new PresenceStats(2, 2));
        get(b.leave(t, "c2"));
        get(b.leave(t, "c3"));
        get(a.leave(t, "never-joined"));
        assertThat(get(a.stats(t))).isEqualTo(new PresenceStats(0, 0));

        List<String> expected = List.of(
                "join c1 alice {\"tab\":1} user",
                "join c2 alice {\"tab\":2}",
                "join c3 bob  user",
                "leave c1 alice {\"tab\":1}",
                "leave c2 alice {\"tab\":2} user",
                "leave c3 bob  user");
        for (RecordingPresence sink : List.of(sinkA, sinkB)) {
            sink.await(t, expected.size());
            assertThat(sink.of(t).stream().map(PresenceEventTestSupport::describe))
                    .containsExactlyElementsOf(expected);
        }
        // Nothing stays behind once everyone left.
        assertThat((Long) redis.command("DBSIZE")).isZero();
    }

    @Test
    void pagesThroughManyMembersEachExactlyOnce() throws Exception {
        RecordingPresence sink = new RecordingPresence();
        RedisPresenceEngine a = engine(sink, Duration.ofSeconds(30));
        RedisPresenceEngine b = engine(new RecordingPresence(), Duration.ofSeconds(30));
        String t = "big";
        int n = 2500;
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RedisPresenceEngine via = i % 2 == 0 ? a : b;
            joins.add(
                    via.join(t, new Member("m" + i, "u" + (i % 1000), "i" + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(get(a.stats(t))).isEqualTo(new PresenceStats(n, 1000));

        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            PresencePage page = get((pages % 2 == 0 ? a : b).members(t, cursor, 7));
            assertThat(page.members()).hasSizeLessThanOrEqualTo(7);
            for (Member m : page.members()) {
                assertThat(seen.add(m.clientId()))
                        .as("seen once: %s", m.clientId())
                        .isTrue();
                int i = Integer.parseInt(m.clientId().substring(1));
                assertThat(m).isEqualTo(new Member("m" + i, "u" + (i % 1000), "i" + i));
            }
            cursor = page.cursor();
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(n);
        assertThat(pages).isEqualTo((n + 6) / 7);

        // The largest page is capped; an empty topic has one empty page.
        assertThat(get(a.members(t, null, 5000)).members()).hasSize(PresencePage.MAX_LIMIT);
        PresencePage none = get(a.members("nobody-here", null, 10));
        assertThat(none.members()).isEmpty();
        assertThat(none.cursor()).isNull();
    }

    @Test
    void listenIsConfirmedBeforeItCompletesAndUnlistenStopsEvents() throws Exception {
        RecordingPresence sinkA = new RecordingPresence();
        RedisPresenceEngine a = engine(sinkA, Duration.ofSeconds(30));
        RedisPresenceEngine b = engine(new RecordingPresence(), Duration.ofSeconds(30));
        for (int i = 0; i < 30; i++) {
            String t = "late." + i;
            get(a.listen(t));
            // Joined through the other node right after: the event must arrive.
            get(b.join(t, new Member("x" + i, "u", "")));
            sinkA.await(t, 1);
        }
        a.unlisten("late.0");
        await("unsubscribed", 5000, () -> numsub("duplex:{late.0}:p") == 0);
        get(b.leave("late.0", "x0"));
        get(b.leave("late.1", "x1"));
        sinkA.await("late.1", 2);
        assertThat(sinkA.of("late.0")).hasSize(1);
        assertThat(a.expiry()).isEqualTo(Duration.ofSeconds(30));
    }

    long numsub(String channel) {
        try {
            return (Long) ((List<?>) redis.command("PUBSUB", "NUMSUB", channel)).get(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void redisRestartedWithoutItsDataGetsPresenceBackFromTheNodes() throws Exception {
        RecordingPresence sinkA = new RecordingPresence();
        RecordingPresence sinkB = new RecordingPresence();
        Duration expiry = Duration.ofSeconds(3);
        RedisPresenceEngine a = engine(sinkA, expiry);
        RedisPresenceEngine b = engine(sinkB, expiry);
        String t = "room.restart";
        get(a.listen(t));
        get(b.listen(t));
        for (int i = 0; i < 40; i++) {
            get((i < 30 ? a : b).join(t, new Member("r" + i, "u" + (i % 20), "")));
        }
        assertThat(get(b.stats(t))).isEqualTo(new PresenceStats(40, 20));
        sinkB.await(t, 40);

        redis.kill();
        // Fail fast while Redis is away; a join made meanwhile is kept and made once it is back.
        CompletableFuture<Void> during =
                a.join(t, new Member("r40", "u-new", "")).toCompletableFuture();
        assertThatThrownBy(() -> during.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StreamException.class)
                .extracting(e -> ((StreamException) e).error())
                .isEqualTo(StreamError.UNAVAILABLE);
        redis.launch(); // same port, no data

        long t0 = System.nanoTime();
        await("presence rebuilt", 15_000, () -> new PresenceStats(41, 21).equals(stats(b, t)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("presence rebuilt " + millis + " ms after Redis restarted without data");
        // Every member is back, with its user and info (read through the node that owns fewer).
        Set<String> back = new HashSet<>();
        for (String cursor = null; ; ) {
            PresencePage page = get(b.members(t, cursor, 16));
            page.members().forEach(m -> back.add(m.clientId() + "/" + m.userId()));
            if ((cursor = page.cursor()) == null) {
                break;
            }
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            expected.add("r" + i + "/u" + (i % 20));
        }
        expected.add("r40/u-new");
        assertThat(back).isEqualTo(expected);
        // Listening again: a change made now reaches both nodes. (Re-join events published before a
        // node's pub/sub connection had resubscribed are lost to it: pub/sub is at most once.)
        get(b.join(t, new Member("r41", "u-later", "")));
        for (RecordingPresence sink : List.of(sinkA, sinkB)) {
            sink.await(t, e -> e.joined() && e.member().clientId().equals("r41") && e.user(), 1, 15_000);
        }
        get(b.leave(t, "r41"));
        for (RecordingPresence sink : List.of(sinkA, sinkB)) {
            sink.await(t, e -> !e.joined() && e.member().clientId().equals("r41") && e.user(), 1, 15_000);
        }
        // Stays rebuilt: the refreshes keep it (several periods, and past the expiry).
        Await.holds("41 members, 21 users", expiry.plusSeconds(1), () -> new PresenceStats(41, 21).equals(stats(a, t)));
        // Nothing but r41 ever left: no member was lost along the way.
        assertThat(sinkB.of(t).stream().filter(e -> !e.joined()).map(e -> e.member()
                        .clientId()))
                .containsExactly("r41");
    }
}
