package io.duplex.redis.streams;

import static io.duplex.redis.streams.StreamEngineTest.get;
import static io.duplex.redis.streams.StreamEngineTest.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.History;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.redis.RedisServer;
import io.duplex.redis.RedisStreamEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisStreamEngine} on a three-node Redis Cluster: sharded pub/sub, topics over many slots. */
class ClusterStreamTest {
    static final History KEEP = History.of(1000, Duration.ofMinutes(5));
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

    RedisStreamEngine engine(RecordingSink sink) {
        RedisStreamEngine e = RedisStreamEngine.builder()
                .cluster(cluster.seeds())
                .maxReconnectDelay(Duration.ofMillis(200))
                .build();
        e.start(sink);
        return e;
    }

    @Test
    void twoNodesPublishListenAndReadHistoryAcrossSlots() throws Exception {
        RecordingSink sinkA = new RecordingSink();
        RecordingSink sinkB = new RecordingSink();
        List<String> topics = IntStream.range(0, 12).mapToObj(i -> "room/" + i).toList();
        try (RedisStreamEngine a = engine(sinkA);
                RedisStreamEngine b = engine(sinkB)) {
            for (String t : topics) {
                get(a.listen(t));
                get(b.listen(t));
            }
            int perNode = 50;
            List<CompletableFuture<Position>> acks = new ArrayList<>();
            for (int i = 0; i < perNode; i++) {
                for (String t : topics) {
                    acks.add(a.publish(t, PreparedMessage.text("a" + i), KEEP).toCompletableFuture());
                    acks.add(b.publish(t, PreparedMessage.text("b" + i), KEEP).toCompletableFuture());
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            for (String t : topics) {
                sinkA.awaitInOrder(t, 2 * perNode);
                sinkB.awaitInOrder(t, 2 * perNode);
                assertThat(sinkA.of(t))
                        .extracting(RecordingSink::text)
                        .containsExactlyElementsOf(
                                sinkB.of(t).stream().map(RecordingSink::text).toList());
                Position latest = sinkA.of(t).get(2 * perNode - 1).position();
                var page = get(b.history(t, HistoryQuery.since(new Position(latest.epoch(), 90), 5), KEEP));
                assertThat(offsets(page)).containsExactly(91L, 92L, 93L, 94L, 95L);
                assertThat(page.latest()).isEqualTo(latest);
                assertThat(offsets(get(a.history(t, HistoryQuery.newest(2), KEEP))))
                        .containsExactly(100L, 99L);
            }
            // The topics really are spread: every node holds some of them.
            for (RedisServer node : cluster.nodes) {
                assertThat((Long) node.command("DBSIZE"))
                        .as("keys on node %d", node.port)
                        .isPositive();
            }
            // A listen is confirmed by the node owning the slot before it completes.
            for (int i = 0; i < 20; i++) {
                String t = "late/" + i;
                get(a.listen(t));
                Position p = get(b.publish(t, PreparedMessage.text("now"), KEEP));
                sinkA.await(t, x -> x.position().equals(p));
            }
        }
    }
}
