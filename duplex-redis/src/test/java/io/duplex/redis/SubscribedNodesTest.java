package io.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Broker;
import io.duplex.InMemoryBroker;
import io.duplex.PreparedMessage;
import io.duplex.redis.streams.RedisCluster;
import io.duplex.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisBroker#subscribedNodes}: {@code PUBSUB NUMSUB} on a real redis-server, and on a
 * three-master Redis Cluster with brokers connected to different nodes, where one node's NUMSUB
 * sees only its own clients and the broker sums over the cluster.
 */
class SubscribedNodesTest {
    final List<AutoCloseable> closing = new ArrayList<>();
    final Broker.Sink sink = (topic, message) -> {};

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    RedisBroker broker(int port, String node) {
        RedisBroker b = RedisBroker.builder()
                .uri("redis://127.0.0.1:" + port)
                .nodeId(node)
                .build();
        closing.add(b);
        return b;
    }

    static int nodes(Broker b, String topic) {
        return b.subscribedNodes(topic)
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void countsTheNodesWithASubscriberOfTheTopic() throws Exception {
        RedisServer redis = RedisServer.start(null);
        closing.add(redis);
        RedisBroker a = broker(redis.port, "a");
        RedisBroker b = broker(redis.port, "b");
        assertThat(nodes(a, "t")).isZero();

        a.subscribe("t", sink);
        b.subscribe("t", sink);
        b.subscribe("t", (topic, message) -> {}); // a second subscriber on b: still one node
        Await.eventually("both brokers counted", () -> nodes(a, "t") == 2 && nodes(b, "t") == 2);
        assertThat(nodes(a, "other")).isZero();

        b.unsubscribe("t", sink);
        Await.holds("b still has a subscriber", Duration.ofMillis(100), () -> nodes(a, "t") == 2);
        b.close();
        Await.eventually("b gone", () -> nodes(a, "t") == 1);
        a.unsubscribe("t", sink);
        Await.eventually("nobody", () -> nodes(a, "t") == 0);

        assertThat(b.subscribedNodes("t").toCompletableFuture())
                .as("a closed broker cannot ask")
                .isCompletedExceptionally();
        InMemoryBroker alone = new InMemoryBroker();
        assertThat(nodes(alone, "t")).as("the in-memory default: no subscriber").isZero();
        alone.subscribe("t", sink);
        assertThat(nodes(alone, "t")).as("the in-memory default: this node").isEqualTo(1);
    }

    @Test
    void onARedisClusterSumsOverEveryNode() throws Exception {
        RedisCluster cluster = RedisCluster.start();
        closing.add(cluster);
        RedisBroker a = broker(cluster.nodes.get(0).port, "a");
        RedisBroker b = broker(cluster.nodes.get(1).port, "b");
        RedisBroker c = broker(cluster.nodes.get(2).port, "c");
        LinkedBlockingQueue<String> atA = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> atB = new LinkedBlockingQueue<>();
        a.subscribe("t", (topic, m) -> atA.add(text(m)));
        b.subscribe("t", (topic, m) -> atB.add(text(m)));

        // What one node says: its own clients only (Redis answers PUBSUB for the node asked).
        Await.eventually(
                "each node has its broker's SUBSCRIBE",
                () -> numsub(cluster, 0, "duplex:t") == 1 && numsub(cluster, 1, "duplex:t") == 1);
        assertThat(numsub(cluster, 2, "duplex:t")).isZero();
        // Summed over the cluster, from any node.
        assertThat(nodes(c, "t")).isEqualTo(2);
        assertThat(nodes(a, "t")).isEqualTo(2);
        assertThat(c.clusterCountConnections()).as("c asks the two other nodes").isEqualTo(2);

        // Classic pub/sub spans the cluster: what c publishes on node 2 reaches a and b.
        c.publish("t", PreparedMessage.text("from c"), null);
        assertThat(Await.poll(atA)).isEqualTo("from c");
        assertThat(Await.poll(atB)).isEqualTo("from c");

        b.close();
        Await.eventually("b gone", () -> nodes(c, "t") == 1);
    }

    private static long numsub(RedisCluster cluster, int node, String channel) {
        try {
            return (Long) ((List<?>) cluster.nodes.get(node).command("PUBSUB", "NUMSUB", channel)).get(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(PreparedMessage m) {
        return StandardCharsets.UTF_8.decode(m.payload()).toString();
    }
}
