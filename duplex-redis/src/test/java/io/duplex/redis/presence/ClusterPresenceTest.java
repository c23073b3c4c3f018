package io.duplex.redis.presence;

import static io.duplex.redis.presence.PresenceEngineTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Member;
import io.duplex.PresenceEvent;
import io.duplex.PresenceStats;
import io.duplex.redis.RedisPresenceEngine;
import io.duplex.redis.RedisServer;
import io.duplex.redis.streams.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisPresenceEngine} on a three-master Redis Cluster: sharded pub/sub, topics over many slots. */
class ClusterPresenceTest {
    static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        RedisServer.executable(); // skips without redis-server
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    RedisPresenceEngine engine(RecordingPresence sink) {
        RedisPresenceEngine e = RedisPresenceEngine.builder()
                .cluster(cluster.seeds())
                .expiry(Duration.ofSeconds(3))
                .maxReconnectDelay(Duration.ofMillis(200))
                .build();
        e.start(sink);
        return e;
    }

    @Test
    void twoNodesJoinLeaveAndCountAcrossSlots() throws Exception {
        RecordingPresence sinkA = new RecordingPresence();
        RecordingPresence sinkB = new RecordingPresence();
        List<String> topics = IntStream.range(0, 12).mapToObj(i -> "room." + i).toList();
        int perNode = 10; // per topic; users shared by the two nodes: u0..u9
        try (RedisPresenceEngine a = engine(sinkA);
                RedisPresenceEngine b = engine(sinkB)) {
            for (String t : topics) {
                get(a.listen(t));
                get(b.listen(t));
            }
            List<CompletableFuture<Void>> joins = new ArrayList<>();
            for (String t : topics) {
                for (int i = 0; i < perNode; i++) {
                    joins.add(a.join(t, new Member(t + "/a" + i, "u" + i, "a")).toCompletableFuture());
                    joins.add(b.join(t, new Member(t + "/b" + i, "u" + i, "b")).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            for (String t : topics) {
                for (RecordingPresence sink : List.of(sinkA, sinkB)) {
                    List<PresenceEvent> joined = sink.await(t, e -> e.joined(), 2 * perNode, 15_000);
                    // Exactly one user-level join per user, whichever node's connection came first.
                    assertThat(joined.stream().filter(PresenceEvent::user).map(e -> e.member()
                                    .userId()))
                            .hasSize(perNode)
                            .doesNotHaveDuplicates();
                }
                assertThat(sinkA.of(t)).isEqualTo(sinkB.of(t)); // one order, seen by both
                assertThat(get(a.stats(t))).isEqualTo(new PresenceStats(2 * perNode, perNode));
                Set<String> ids = new HashSet<>();
                for (String cursor = null; ; ) {
                    var page = get(b.members(t, cursor, 3));
                    page.members().forEach(m -> ids.add(m.clientId()));
                    if ((cursor = page.cursor()) == null) {
                        break;
                    }
                }
                assertThat(ids).hasSize(2 * perNode);
            }
            // The topics really are spread: every master holds some of them.
            for (RedisServer node : cluster.nodes) {
                assertThat((Long) node.command("DBSIZE"))
                        .as("keys on node %d", node.port)
                        .isPositive();
            }
            // Node a's connections leave: users stay (b's connections), then b's: users leave.
            for (String t : topics) {
                for (int i = 0; i < perNode; i++) {
                    get(a.leave(t, t + "/a" + i));
                }
                assertThat(get(b.stats(t))).isEqualTo(new PresenceStats(perNode, perNode));
                for (int i = 0; i < perNode; i++) {
                    get(b.leave(t, t + "/b" + i));
                }
                assertThat(get(a.stats(t))).isEqualTo(new PresenceStats(0, 0));
                for (RecordingPresence sink : List.of(sinkA, sinkB)) {
                    List<PresenceEvent> left = sink.await(t, e -> !e.joined(), 2 * perNode, 15_000);
                    assertThat(left.subList(0, perNode)).noneMatch(PresenceEvent::user);
                    assertThat(left.subList(perNode, 2 * perNode)).allMatch(PresenceEvent::user);
                }
            }
            // A listen is confirmed by the master owning the slot before it completes.
            for (int i = 0; i < 20; i++) {
                String t = "late." + i;
                get(a.listen(t));
                get(b.join(t, new Member("x" + i, "u", "")));
                sinkA.await(t, 1);
            }
        }
    }
}
