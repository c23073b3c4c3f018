package io.duplex.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;

/**
 * The subscribed side of a node: one pub/sub connection, standalone or cluster, feeding a {@link
 * Listener} ({@link StreamChannels} for streams, {@link PresenceChannels} for presence).
 *
 * <p>Standalone: SUBSCRIBE / UNSUBSCRIBE on one connection; the publish script uses PUBLISH.
 *
 * <p>Cluster: sharded pub/sub (Redis 7): SPUBLISH delivers a message only within the shard that
 * owns the channel's slot, and SSUBSCRIBE must be sent to a node of that shard (another node
 * answers MOVED). Lettuce's cluster pub/sub connection sends (S)SUBSCRIBE to its default node, so
 * this link picks the connection to the slot's master itself ({@code getConnectionAsync(nodeId)});
 * node message propagation brings the node connections' messages and confirmations to one
 * listener. Each node connection resubscribes its own shard channels after a reconnect. Slots that
 * move between nodes while subscribed are not followed (not supported).
 *
 * <p>Threading: safe from any thread; callbacks come from Lettuce's I/O threads.
 */
sealed interface PubSubLink {

    /** What a link hands its messages and subscription confirmations to (Lettuce's I/O threads). */
    interface Listener {
        /** A message on a subscribed channel. */
        void message(byte[] channel, byte[] message);

        /** Redis confirmed a (S)SUBSCRIBE of {@code channel} (ours, or Lettuce's after a reconnect). */
        void confirmed(byte[] channel);
    }

    CompletableFuture<Void> subscribe(byte[] channel);

    CompletableFuture<Void> unsubscribe(byte[] channel);

    /** Feeds {@code channels} from this link's connection. */
    void attach(Listener channels);

    /** Whether publishes go out with SPUBLISH. */
    boolean sharded();

    /** Whether the pub/sub connection is up (after a Redis restart: reconnected). */
    boolean isOpen();

    /** One standalone Redis (or a Sentinel-managed master). */
    record Standalone(StatefulRedisPubSubConnection<byte[], byte[]> connection) implements PubSubLink {
        @Override
        public CompletableFuture<Void> subscribe(byte[] channel) {
            return connection.async().subscribe(channel).toCompletableFuture();
        }

        @Override
        public CompletableFuture<Void> unsubscribe(byte[] channel) {
            return connection.async().unsubscribe(channel).toCompletableFuture();
        }

        @Override
        public void attach(Listener channels) {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    channels.message(channel, message);
                }

                @Override
                public void subscribed(byte[] channel, long count) {
                    channels.confirmed(channel);
                }
            });
        }

        @Override
        public boolean sharded() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return connection.isOpen();
        }
    }

    /** A Redis Cluster, through sharded pub/sub on the node that owns each channel's slot. */
    record Cluster(StatefulRedisClusterPubSubConnection<byte[], byte[]> connection) implements PubSubLink {
        @Override
        public CompletableFuture<Void> subscribe(byte[] channel) {
            return node(channel).thenCompose(c -> c.async().ssubscribe(channel));
        }

        @Override
        public CompletableFuture<Void> unsubscribe(byte[] channel) {
            return node(channel).thenCompose(c -> c.async().sunsubscribe(channel));
        }

        @Override
        public void attach(Listener channels) {
            connection.setNodeMessagePropagation(true);
            connection.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                    channels.message(channel, message);
                }

                @Override
                public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                    channels.confirmed(channel);
                }
            });
        }

        @Override
        public boolean sharded() {
            return true;
        }

        @Override
        public boolean isOpen() {
            return connection.isOpen();
        }

        private CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> node(byte[] channel) {
            RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
            if (master == null) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("no master owns slot " + SlotHash.getSlot(channel)));
            }
            return connection.getConnectionAsync(master.getNodeId());
        }
    }
}
