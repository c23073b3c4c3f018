package io.duplex.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.codec.ByteArrayCodec;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many nodes listen to a channel ({@link RedisBroker#subscribedNodes}): {@code PUBSUB NUMSUB}
 * counts the client connections subscribed to it, and every {@link RedisBroker} subscribes with
 * exactly one connection, so on a channel only brokers use it is the number of nodes.
 *
 * <p>Redis Cluster: classic pub/sub is cluster-wide (a PUBLISH to any node is forwarded over the
 * cluster bus to every node, masters and replicas), so brokers connected to different nodes of one
 * cluster reach each other; but {@code PUBSUB NUMSUB} answers for the node it is sent to only. So
 * when the node the broker is connected to is in cluster mode, the count is asked of every node
 * {@code CLUSTER NODES} lists that is not failed (masters and replicas: a subscriber may be
 * connected to any of them) and summed — as the reference Socket.IO Redis adapter's {@code
 * serverCount()} does on a cluster client. The other nodes are asked over connections of their
 * own, made on first use with this broker's credentials and TLS settings, dropped when a node
 * leaves the topology, closed with the broker's client. A standalone Redis (and one behind
 * Sentinel) answers {@code CLUSTER NODES} with an error: from then on one NUMSUB suffices.
 *
 * <p>Threading: safe from any thread; never blocks. Results complete on Lettuce's I/O threads.
 */
final class ChannelSubscribers {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    private final RedisClient client;
    private final RedisURI base;
    private final RedisAsyncCommands<byte[], byte[]> commands;
    /** Null until known; false once Redis said it has no cluster support. */
    private volatile Boolean cluster;
    /** Connections to the other nodes of a cluster, by {@code host:port}. */
    private final Map<String, CompletableFuture<StatefulRedisConnection<byte[], byte[]>>> others =
            new ConcurrentHashMap<>();

    ChannelSubscribers(RedisClient client, RedisURI base, RedisAsyncCommands<byte[], byte[]> commands) {
        this.client = client;
        this.base = base;
        this.commands = commands;
    }

    CompletionStage<Integer> count(byte[] channel) {
        if (Boolean.FALSE.equals(cluster)) {
            return numsub(commands, channel);
        }
        return commands.clusterNodes()
                .handle((nodes, e) -> {
                    if (e == null) {
                        cluster = true;
                        return sum(nodes, channel);
                    }
                    if (String.valueOf(e.getMessage()).contains("cluster support disabled")) {
                        cluster = false;
                    } else {
                        // e.g. an ACL without CLUSTER: count on the node connected to.
                        LOG.log(Level.DEBUG, "CLUSTER NODES failed, counting on one node: {0}", e.toString());
                    }
                    return numsub(commands, channel);
                })
                .thenCompose(count -> count);
    }

    /** Connections to other cluster nodes now open or being opened (for tests). */
    int otherNodeConnections() {
        return others.size();
    }

    private CompletionStage<Integer> sum(String clusterNodes, byte[] channel) {
        List<CompletableFuture<Integer>> counts = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (RedisClusterNode n : ClusterPartitionParser.parse(clusterNodes)) {
            if (n.is(NodeFlag.FAIL) || n.is(NodeFlag.HANDSHAKE) || n.is(NodeFlag.NOADDR)) {
                continue; // not serving: its clients were cut off (or it has none yet)
            }
            if (n.is(NodeFlag.MYSELF)) {
                counts.add(numsub(commands, channel).toCompletableFuture());
                continue;
            }
            String key = n.getUri().getHost() + ":" + n.getUri().getPort();
            listed.add(key);
            counts.add(connection(key, n.getUri()).thenCompose(c -> numsub(c.async(), channel)));
        }
        others.entrySet().removeIf(e -> {
            if (listed.contains(e.getKey())) {
                return false;
            }
            e.getValue().thenAccept(StatefulRedisConnection::closeAsync);
            return true;
        });
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                .thenApply(
                        v -> counts.stream().mapToInt(CompletableFuture::join).sum());
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection(String key, RedisURI node) {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c = others.computeIfAbsent(key, k -> {
            RedisURI uri = RedisURI.Builder.redis(node.getHost(), node.getPort())
                    .withAuthentication(base)
                    .withSsl(base)
                    .withTimeout(base.getTimeout())
                    .build();
            if (base.getClientName() != null) {
                uri.setClientName(base.getClientName());
            }
            return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        });
        // A node that could not be reached is tried again next time.
        c.whenComplete((conn, e) -> {
            if (e != null) {
                others.remove(key, c);
            }
        });
        return c;
    }

    private static CompletionStage<Integer> numsub(RedisAsyncCommands<byte[], byte[]> on, byte[] channel) {
        return on.pubsubNumsub(channel).thenApply(m ->
                (int) m.values().stream().mapToLong(Long::longValue).sum());
    }
}
