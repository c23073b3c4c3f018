package io.duplex.redis;

import io.duplex.Broker;
import io.duplex.InMemoryBroker;
import io.duplex.PreparedMessage;
import io.duplex.WebSocket;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Broker} whose topics span every server node connected to the same Redis: a publish on
 * any node reaches the subscribers on all of them.
 *
 * <p>Each node keeps its subscribers in a local {@link InMemoryBroker} ({@link #local()}) and
 * fans out locally. A publish is delivered to the local subscribers at once and sent to Redis as
 * one PUBLISH of a compact {@link Envelope} (node id, text flag, payload) on the channel {@code
 * channelPrefix + topic}; the other nodes deliver it to their own subscribers, and the publishing
 * node skips its own message when Redis hands it back. A node SUBSCRIBEs only to topics that have
 * local subscribers and UNSUBSCRIBEs when the last one leaves.
 *
 * <p>While Redis is unreachable the node keeps serving local traffic: publishing still reaches
 * local subscribers and never blocks (commands are rejected at once, never queued without bound),
 * Lettuce reconnects on its own, this broker restores the subscriptions, and the log says what was
 * lost. Messages are not persisted or replayed: Redis pub/sub is at most once.
 *
 * <p>A Redis Cluster works too, through any of its nodes ({@code redis://} one node's address, a
 * different one per Duplex node if wanted): classic PUBLISH is forwarded to every node of the
 * cluster. {@link #subscribedNodes} then sums {@code PUBSUB NUMSUB} over the cluster's nodes.
 *
 * <p>Threading: every method is safe from any thread. Messages published from one thread to one
 * topic reach every subscriber, on every node, in publication order.
 */
public final class RedisBroker implements Broker {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    private final InMemoryBroker local = new InMemoryBroker();
    private final String nodeId;
    private final byte[] nodeIdBytes;
    private final RedisURI redisUri;
    private final String endpoint;
    private final ClientResources resources;
    private final RedisClient client;
    private final EventExecutor serial;
    private final Subscriptions subscriptions;
    private final OutageReport outage = new OutageReport();
    private final PublishSequences sequences = new PublishSequences();
    private final StatefulRedisConnection<byte[], byte[]> publisher;
    private final RedisAsyncCommands<byte[], byte[]> publishCommands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private final ChannelSubscribers channelSubscribers;

    private final LongAdder relayed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder droppedWhileDisconnected = new LongAdder();
    private final LongAdder droppedWhileConnected = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private volatile boolean closed;

    private RedisBroker(Builder b) {
        this.nodeId = b.nodeId != null ? b.nodeId : randomNodeId();
        this.nodeIdBytes = nodeId.getBytes(StandardCharsets.UTF_8);
        this.maxInFlight = b.maxInFlight;
        this.redisUri = RedisURI.create(b.uri);
        this.endpoint = redisUri.toString(); // without the password
        if (!b.uri.contains("timeout=")) {
            redisUri.setTimeout(b.connectTimeout); // for the handshake (HELLO, AUTH, CLIENT SETNAME)
        }
        if (redisUri.getClientName() == null) {
            // Shows up in CLIENT LIST: which Duplex node holds which connection.
            redisUri.setClientName("duplex-" + nodeId.replaceAll("[^A-Za-z0-9._:-]", "_"));
        }
        this.resources = LettuceSetup.resources(b.maxReconnectDelay);
        this.serial = resources.eventExecutorGroup().next();
        this.client = RedisClient.create(resources);
        client.setOptions(LettuceSetup.clientOptions(b.maxInFlight, b.connectTimeout, b.trustedCertificates));
        this.subscriptions = new Subscriptions(local, b.channelPrefix, this::subscriberCommands);
        try {
            this.publisher = client.connect(ByteArrayCodec.INSTANCE, redisUri);
            this.subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE, redisUri);
        } catch (RuntimeException e) {
            LettuceSetup.shutdown(client, resources);
            throw e;
        }
        this.publishCommands = publisher.async();
        this.channelSubscribers = new ChannelSubscribers(client, redisUri, publishCommands);
        subscriber.addListener(new Messages());
        publisher.addListener(new ConnectionState(true));
        subscriber.addListener(new ConnectionState(false));
        // A drop between connect and addListener has no event of its own.
        if (!publisher.isOpen()) {
            outage.down(true, endpoint);
        }
        if (!subscriber.isOpen()) {
            outage.down(false, endpoint);
        }
        local.topicListener((topic, active) -> {
            if (!active) {
                // Not listened to from now: what others publish meanwhile is not this node's loss.
                sequences.forget(topic);
            }
            onSerial(() -> subscriptions.reconcile(topic, subscriber.isOpen()));
        });
        LOG.log(Level.INFO, "node {0} relaying pub/sub through {1}", nodeId, endpoint);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The local broker: this node's subscribers and its fan-out. */
    public InMemoryBroker local() {
        return local;
    }

    /** This node's id, as carried in every message it publishes. */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public int publish(String topic, PreparedMessage message, WebSocket exclude) {
        int delivered = local.publish(topic, message, exclude);
        if (closed) {
            return delivered;
        }
        // Numbered before anything can fail: a receiver counts a publish that never left as missed.
        long sequence = sequences.next(topic);
        if (!publisher.isOpen()) {
            // Refused here rather than by Lettuce, which would build an exception for each one.
            droppedWhileDisconnected(topic, false);
            return delivered;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            // Redis is not keeping up: refuse rather than queue (memory stays bounded) or wait.
            inFlight.decrementAndGet();
            droppedWhileConnected(null);
            return delivered;
        }
        publishCommands
                .publish(subscriptions.channel(topic), Envelope.encode(nodeIdBytes, sequence, message))
                .whenComplete((receivers, e) -> {
                    inFlight.decrementAndGet();
                    if (e == null) {
                        relayed.increment();
                        outage.relayed();
                    } else if (!publisher.isOpen() || lostConnection(e)) {
                        // Sent just before the connection dropped: with REJECT_COMMANDS Lettuce
                        // fails it (no replay after the reconnect, so no duplicate either).
                        droppedWhileDisconnected(
                                topic, !String.valueOf(e.getMessage()).contains("not connected"));
                    } else {
                        droppedWhileConnected(e);
                    }
                });
        return delivered;
    }

    @Override
    public void subscribe(String topic, WebSocket ws) {
        local.subscribe(topic, ws);
    }

    @Override
    public void unsubscribe(String topic, WebSocket ws) {
        local.unsubscribe(topic, ws);
    }

    @Override
    public void subscribe(String topic, Sink sink) {
        local.subscribe(topic, sink);
    }

    @Override
    public void unsubscribe(String topic, Sink sink) {
        local.unsubscribe(topic, sink);
    }

    @Override
    public void unsubscribeAll(WebSocket ws) {
        local.unsubscribeAll(ws);
    }

    @Override
    public int subscriberCount(String topic) {
        return local.subscriberCount(topic);
    }

    /**
     * The nodes whose broker subscribes to {@code topic}'s channel, this one included: {@code
     * PUBSUB NUMSUB} on it, asked on the publishing connection (every broker subscribes with one
     * connection, so this counts brokers; another client subscribed to the channel, such as a
     * {@code redis-cli}, would count too). Connected to a node of a Redis Cluster (classic pub/sub
     * spans the cluster), it is summed over every node the cluster lists, since each answers for
     * its own clients only. A node counts once Redis confirmed its SUBSCRIBE (shortly after its
     * first local subscriber came). Fails while Redis is unreachable, or after {@link #close}.
     *
     * <p>Threading: safe from any thread, never blocks; completes on Lettuce's I/O thread.
     */
    @Override
    public CompletionStage<Integer> subscribedNodes(String topic) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker closed"));
        }
        return channelSubscribers.count(subscriptions.channel(topic));
    }

    /** Connections this broker holds to other nodes of a Redis Cluster to count subscribers. */
    int clusterCountConnections() {
        return channelSubscribers.otherNodeConnections();
    }

    /** Whether both connections to Redis (publish and subscribe) are up. */
    public boolean isConnected() {
        return !closed && publisher.isOpen() && subscriber.isOpen();
    }

    /** Publishes handed to Redis and acknowledged by it. */
    public long relayed() {
        return relayed.sum();
    }

    /** Messages from other nodes delivered to this node's subscribers. */
    public long received() {
        return received.sum();
    }

    /**
     * Publications of other nodes that did not reach this node while it listened to their topic,
     * counted exactly from the gaps in each sender's per-topic publish numbers: whatever the cause
     * (the sender could not hand them to Redis, they were in flight when Redis died, or this
     * node's subscription was down). Counting starts with the first publication this node hears
     * from a sender on a topic (what the sender published before cannot be told from what it
     * published before this node listened); a loss is counted when the sender's next publication
     * on that topic arrives.
     */
    public long missedFromOtherNodes() {
        return sequences.missed();
    }

    /** Publishes not relayed to other nodes because Redis was unreachable (local delivery happened). */
    public long droppedWhileDisconnected() {
        return droppedWhileDisconnected.sum();
    }

    /**
     * Publishes not relayed although connected: {@code maxInFlight} publishes were already waiting
     * for Redis (it is slow or hung), or Redis answered with an error (e.g. an ACL without
     * PUBLISH). Logged when it starts (with the reason), every 10 s while it lasts, and when
     * Redis answers again (with the count).
     */
    public long droppedWhileConnected() {
        return droppedWhileConnected.sum();
    }

    /** Closes both connections and shuts down the Lettuce threads it created. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        local.topicListener((topic, active) -> {});
        LettuceSetup.shutdown(client, resources);
    }

    private void droppedWhileDisconnected(String topic, boolean unanswered) {
        droppedWhileDisconnected.increment();
        outage.dropped(topic, unanswered);
    }

    private void droppedWhileConnected(Throwable e) {
        droppedWhileConnected.increment();
        outage.notRelayed(e == null ? maxInFlight + " publishes in flight" : e.toString());
    }

    /**
     * Whether Lettuce failed a command because its connection was gone (checked with its messages:
     * it has no exception type of its own for this; see DefaultEndpoint#validateWrite).
     */
    private static boolean lostConnection(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e.getClass() == RedisException.class
                && (m.contains("not connected") || m.contains("disconnected") || m.contains("closed"));
    }

    private RedisPubSubAsyncCommands<byte[], byte[]> subscriberCommands() {
        return subscriber.async();
    }

    private void onSerial(Runnable task) {
        if (closed) {
            return;
        }
        try {
            serial.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: nothing left to keep in sync
        }
    }

    private void subscriberRestored() {
        subscriptions.resync().whenComplete((count, e) -> {
            if (e == null) {
                outage.restored(false, count);
            } else {
                LOG.log(Level.WARNING, "Redis connection restored, but resubscribing failed: {0}", e.toString());
            }
        });
    }

    private static String randomNodeId() {
        byte[] bytes = new byte[9];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Redis pub/sub messages (Lettuce's I/O thread, in the order Redis sent them). */
    private final class Messages extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] envelope) {
            if (!Envelope.wellFormed(envelope)) {
                LOG.log(
                        Level.DEBUG,
                        "skipped a message on {0} that is not a Duplex envelope",
                        subscriptions.topic(channel));
                return;
            }
            if (Envelope.sentBy(envelope, nodeIdBytes)) {
                return; // delivered locally when it was published
            }
            received.increment();
            String topic = subscriptions.topic(channel);
            long gap = sequences.receivedFrom(Envelope.sender(envelope), topic, Envelope.sequence(envelope));
            if (gap > 0) {
                outage.missed(gap);
            }
            local.publish(topic, Envelope.message(envelope), null);
        }

        @Override
        public void subscribed(byte[] channel, long count) {
            subscriptions.confirmed(channel);
        }

        @Override
        public void unsubscribed(byte[] channel, long count) {
            subscriptions.unconfirmed(channel);
        }
    }

    /** Up/down of one connection (Lettuce's I/O thread). */
    private final class ConnectionState implements RedisConnectionStateListener {
        private final boolean isPublisher;

        ConnectionState(boolean isPublisher) {
            this.isPublisher = isPublisher;
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (isPublisher) {
                outage.restored(true, 0);
            } else {
                // Lettuce has re-sent SUBSCRIBE for what Redis had confirmed (before this event);
                // the resync adds what changed while Redis was away.
                onSerial(RedisBroker.this::subscriberRestored);
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (closed) {
                return;
            }
            outage.down(isPublisher, endpoint);
        }
    }

    /** Builds a {@link RedisBroker}; {@link #build()} connects. */
    public static final class Builder {
        private String uri = "redis://localhost:6379";
        private String channelPrefix = "duplex:";
        private String nodeId;
        private int maxInFlight = 10_000;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration maxReconnectDelay = Duration.ofSeconds(5);
        private Path trustedCertificates;

        private Builder() {}

        /**
         * Where Redis is, as a Lettuce URI: {@code redis://[[user]:password@]host[:port][/db]},
         * {@code rediss://…} for TLS, or {@code redis-sentinel://…}.
         */
        public Builder uri(String uri) {
            this.uri = Objects.requireNonNull(uri);
            return this;
        }

        /** Prepended to each topic to name its Redis channel (default {@code "duplex:"}). */
        public Builder channelPrefix(String channelPrefix) {
            this.channelPrefix = Objects.requireNonNull(channelPrefix);
            return this;
        }

        /** This node's id, 1–255 UTF-8 bytes, unique among the nodes (default: random). */
        public Builder nodeId(String nodeId) {
            int length = nodeId.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > Envelope.MAX_NODE_ID) {
                throw new IllegalArgumentException("node id must have 1 to 255 UTF-8 bytes");
            }
            this.nodeId = nodeId;
            return this;
        }

        /**
         * Publishes sent to Redis and not yet answered, at most; beyond it a publish reaches the
         * local subscribers only (default 10,000). Bounds the memory held for a slow Redis.
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be positive");
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Connect timeout, first connection and reconnects, TCP and handshake (default 5 s; a
         * {@code timeout} parameter in the URI wins for the handshake).
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            return this;
        }

        /** Longest pause between reconnect attempts; they back off with jitter up to it (default 5 s). */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            if (maxReconnectDelay.toMillis() <= 10) {
                throw new IllegalArgumentException("maxReconnectDelay must be above 10 ms");
            }
            this.maxReconnectDelay = maxReconnectDelay;
            return this;
        }

        /** PEM certificates to trust for {@code rediss://} instead of the JDK's trust store. */
        public Builder trustedCertificates(Path pem) {
            this.trustedCertificates = Objects.requireNonNull(pem);
            return this;
        }

        /**
         * Connects to Redis (both connections, at most {@code connectTimeout} each).
         *
         * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached or refuses
         *     the credentials; nothing is left running then
         */
        public RedisBroker build() {
            return new RedisBroker(this);
        }
    }
}
