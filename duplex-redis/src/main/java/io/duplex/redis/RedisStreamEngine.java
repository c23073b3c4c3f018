package io.duplex.redis;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.StreamEngine;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StreamEngine} on Redis Streams, standalone or Redis Cluster: every node connected to the
 * same Redis shares each topic's epoch, offsets and history, and receives its publications.
 *
 * <p>Per topic, three Redis names with one hash tag ({@link StreamKeys}): a meta hash (epoch, last
 * offset), a Redis Stream of the kept publications (entry ID {@code offset-0}, so history reads by
 * offset are XRANGE), and a pub/sub channel. A publish is one Lua script ({@link StreamScripts}):
 * it takes the next offset (starting a new epoch when the meta is gone), appends to the stream,
 * refreshes the expiries and PUBLISHes (SPUBLISH in cluster mode) — stored and delivered as one
 * atomic step. Listening SUBSCRIBEs (SSUBSCRIBE) to the topic's channel on one pub/sub connection
 * and completes when Redis confirmed it.
 *
 * <p>Epochs survive what Redis keeps: a restart with persistence (AOF) keeps them; a restart
 * without it, FLUSHALL or an expired meta (no publish for {@code streamTtl}) starts a new one with
 * the next publish or listen, and the runtime tells subscribers they were interrupted or not
 * recovered.
 *
 * <p>Outages: nothing waits for Redis. While it is unreachable, or {@code maxInFlight} commands wait
 * for it, publish and history fail at once with {@link StreamError#UNAVAILABLE}. A publish whose
 * connection drops before Redis answered also fails so, although the script may have run (stored
 * and delivered); a publish that fails this way may thus appear in history. There is no command
 * timeout: a publish to a hung Redis completes when it answers or the connection drops. Lettuce
 * reconnects and resubscribes; for each topic it resubscribed, the engine then hands the sink the
 * topic's newest kept publication, so the runtime sees a gap at once and reads history.
 *
 * <p>Threading: every method is safe from any thread and never blocks; results complete and the
 * sink is called on Lettuce's threads, for one topic never concurrently and in offset order.
 */
public final class RedisStreamEngine implements StreamEngine {
    private static final System.Logger LOG = System.getLogger(RedisStreamEngine.class.getName());
    /** How long a topic keeps its epoch and offset after its last publish, by default. */
    public static final Duration DEFAULT_STREAM_TTL = Duration.ofHours(24);

    private final StreamKeys keys;
    private final EpochCandidates epochs = new EpochCandidates();
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisScriptingAsyncCommands<byte[], byte[]> commands;
    private final PubSubLink link;
    private final StreamChannels channels;
    private final byte[] streamTtlMillis;
    private final byte[] sharded;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final String endpoint;
    private volatile boolean closed;

    private RedisStreamEngine(Builder b) {
        this.keys = new StreamKeys(b.keyPrefix);
        this.maxInFlight = b.maxInFlight;
        this.streamTtlMillis = ascii(b.streamTtl.toMillis());
        this.resources = LettuceSetup.resources(b.maxReconnectDelay);
        List<RedisURI> uris = new ArrayList<>();
        for (String uri : b.clusterUris.isEmpty() ? List.of(b.uri) : b.clusterUris) {
            RedisURI u = RedisURI.create(uri);
            if (!uri.contains("timeout=")) {
                u.setTimeout(b.connectTimeout); // for the handshake (HELLO, AUTH)
            }
            uris.add(u);
        }
        this.endpoint = uris.toString(); // without passwords
        var options = LettuceSetup.clientOptions(b.maxInFlight, b.connectTimeout, null);
        try {
            if (b.clusterUris.isEmpty()) {
                RedisClient standalone = RedisClient.create(resources);
                this.client = standalone;
                standalone.setOptions(options);
                StatefulRedisConnection<byte[], byte[]> c = standalone.connect(ByteArrayCodec.INSTANCE, uris.get(0));
                this.connection = c;
                this.commands = c.async();
                this.link = new PubSubLink.Standalone(standalone.connectPubSub(ByteArrayCodec.INSTANCE, uris.get(0)));
            } else {
                RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
                this.client = cluster;
                cluster.setOptions(ClusterClientOptions.builder(options).build());
                StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
                this.connection = c;
                this.commands = c.async();
                this.link = new PubSubLink.Cluster(cluster.connectPubSub(ByteArrayCodec.INSTANCE));
            }
        } catch (RuntimeException e) {
            LettuceSetup.shutdown(clientOrNull(), resources);
            throw e;
        }
        this.sharded = new byte[] {(byte) (link.sharded() ? '1' : '0')};
        this.channels = new StreamChannels(keys, link, this::resubscribed);
        link.attach(channels);
        LOG.log(Level.INFO, "streams on Redis {0}{1}", endpoint, link.sharded() ? " (cluster, sharded pub/sub)" : "");
    }

    private AbstractRedisClient clientOrNull() {
        return client;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start(Sink sink) {
        channels.start(Objects.requireNonNull(sink));
    }

    @Override
    public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
        byte[][] k = {keys.meta(topic), keys.log(topic), keys.channel(topic)};
        return run(
                        "publish to " + topic,
                        StreamScripts.PUBLISH,
                        k,
                        ascii(epochs.next()),
                        PublicationCodec.flag(message),
                        PublicationCodec.payload(message),
                        ascii(history.size()),
                        ascii(history.ttl().toMillis()),
                        streamTtlMillis,
                        sharded)
                .thenApply(PublicationCodec::position);
    }

    @Override
    public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
        return read(topic, query, history.size(), history.ttl().toMillis());
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        // Subscribed first, then the meta made (or refreshed): the epoch a subscriber is told with
        // offset 0 is the one the first publish keeps, and every publication after it arrives.
        return channels.listen(topic)
                .thenCompose(v -> read(topic, new HistoryQuery(null, 0, false), 0, 0))
                .thenApply(page -> null);
    }

    @Override
    public void unlisten(String topic) {
        channels.unlisten(topic);
    }

    /**
     * Whether both connections to Redis are up, commands and pub/sub (after a Redis restart: both
     * reconnected, so a subscribe made now can be confirmed).
     */
    public boolean isConnected() {
        return !closed && connection.isOpen() && link.isOpen();
    }

    /** Closes the connections and stops every Lettuce thread it started; pending listens fail. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channels.close();
        LettuceSetup.shutdown(client, resources);
    }

    // ------------------------------------------------------------------ internals

    private CompletableFuture<HistoryPage> read(String topic, HistoryQuery query, int size, long ttlMillis) {
        Position since = query.since();
        byte[][] k = {keys.meta(topic), keys.log(topic)};
        return run(
                        "read " + topic,
                        StreamScripts.READ,
                        k,
                        since == null ? new byte[0] : ascii(since.epoch()),
                        ascii(since == null ? 0 : since.offset()),
                        ascii(query.limit()),
                        new byte[] {(byte) (query.newestFirst() ? '1' : '0')},
                        ascii(size),
                        ascii(ttlMillis),
                        ascii(epochs.next()),
                        new byte[] {(byte) (channels.listens(topic) ? '1' : '0')},
                        streamTtlMillis)
                .thenApply(reply -> PublicationCodec.page(topic, reply));
    }

    /** Lettuce resubscribed {@code topic} after a reconnect: hand the sink its newest publication. */
    private void resubscribed(String topic) {
        read(topic, HistoryQuery.newest(1), 0, 0).whenComplete((page, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "reading the newest of {0} after a reconnect failed: {1}", topic, e.toString());
            } else if (!page.publications().isEmpty()) {
                channels.deliver(page.publications().get(0));
            }
        });
    }

    /** Runs a script within the in-flight bound; every failure becomes {@code UNAVAILABLE}. */
    private CompletableFuture<List<Object>> run(String what, StreamScripts.Script script, byte[][] k, byte[]... args) {
        if (closed) {
            return CompletableFuture.failedFuture(new StreamException(StreamError.UNAVAILABLE, "engine closed"));
        }
        if (!connection.isOpen()) {
            // Refused here rather than by Lettuce, which would build an exception for each one.
            return CompletableFuture.failedFuture(
                    new StreamException(StreamError.UNAVAILABLE, "Redis at " + endpoint + " unreachable"));
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new StreamException(
                    StreamError.UNAVAILABLE, "Redis is not keeping up (" + maxInFlight + " commands in flight)"));
        }
        CompletableFuture<List<Object>> f;
        try {
            f = StreamScripts.run(commands, script, k, args);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((reply, e) -> {
            inFlight.decrementAndGet();
            if (e == null) {
                return reply;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new StreamException(StreamError.UNAVAILABLE, what + " failed: " + cause, cause);
        });
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Builds a {@link RedisStreamEngine}; {@link #build()} connects. */
    public static final class Builder {
        private String uri = "redis://localhost:6379";
        private List<String> clusterUris = List.of();
        private String keyPrefix = "duplex:";
        private Duration streamTtl = DEFAULT_STREAM_TTL;
        private int maxInFlight = 10_000;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration maxReconnectDelay = Duration.ofSeconds(5);

        private Builder() {}

        /** A standalone Redis, as a Lettuce URI ({@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://…}). */
        public Builder uri(String uri) {
            this.uri = Objects.requireNonNull(uri);
            return this;
        }

        /** A Redis Cluster: some of its nodes' URIs (seeds; the topology is read from them). */
        public Builder cluster(String... seedUris) {
            if (seedUris.length == 0) {
                throw new IllegalArgumentException("at least one cluster seed URI");
            }
            this.clusterUris = List.of(seedUris);
            return this;
        }

        /** Prepended to every key and channel (default {@code "duplex:"}); no braces. */
        public Builder keyPrefix(String keyPrefix) {
            new StreamKeys(keyPrefix); // checks it
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How long a topic keeps its epoch and offset after its last publish (default 24 h; at least
         * its history ttl). Its next publish after that starts a new epoch.
         */
        public Builder streamTtl(Duration streamTtl) {
            if (streamTtl.toMillis() <= 0) {
                throw new IllegalArgumentException("streamTtl must be positive");
            }
            this.streamTtl = streamTtl;
            return this;
        }

        /** Commands sent to Redis and not answered yet, at most; beyond it calls fail at once (default 10,000). */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be positive");
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Connect timeout, first connection and reconnects (default 5 s). */
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

        /**
         * Connects (at most {@code connectTimeout} per connection).
         *
         * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached; nothing is
         *     left running then
         */
        public RedisStreamEngine build() {
            return new RedisStreamEngine(this);
        }
    }
}
