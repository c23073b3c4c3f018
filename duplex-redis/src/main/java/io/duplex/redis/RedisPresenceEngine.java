package io.duplex.redis;

import io.duplex.Member;
import io.duplex.PresenceEngine;
import io.duplex.PresencePage;
import io.duplex.PresenceStats;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PresenceEngine} on Redis, standalone or Redis Cluster: every node connected to the same
 * Redis sees each topic's members and their join and leave events.
 *
 * <p>Per topic, four keys and a channel under one hash tag ({@link PresenceKeys}): the members
 * (hash), their expiry times (sorted set), connections per user (hash) and a lexicographic index
 * (sorted set, for paging). Join, leave, refresh and expire are each one Lua script ({@link
 * PresenceScripts}) that changes them and publishes the events (SPUBLISH in cluster mode) as one
 * atomic step, so a topic's events reach every listening node in the order they were applied.
 *
 * <p>Crash bound ({@link #expiry()}, default 30 s): every {@code expiry / 3} each node moves the
 * expiry of its own members to now + expiry (one script call per topic, up to 1,000 members per
 * call), and removes, on every topic it listens to, the members whose expiry passed, with their
 * leave events. The members of a node that dies without leaving (SIGKILL, power loss) are thus gone
 * within {@code expiry + expiry / 3} of its last refresh on any node that listens. Keys whose members
 * nobody refreshes expire as a whole after {@code 2 × expiry}.
 *
 * <p>Redis losing its data (a restart without persistence, FLUSHALL, a failover to a replica that
 * lagged): each node joins its own members again, at once when Lettuce resubscribes after the
 * reconnect, and at the latest with its next refresh, which reports the members Redis no longer has.
 * Re-joins emit join events again: the script cannot tell a lost member from a new one, and a
 * listener that missed the store's loss must learn about members who joined while Redis was away;
 * a join event for a client id a listener already knows is thus a duplicate to ignore. A leave that
 * failed while Redis was unreachable is sent again until Redis answers (its event arrives then, if
 * Redis still had the member).
 *
 * <p>Outages: nothing waits for Redis. While it is unreachable, or {@code maxInFlight} commands wait
 * for it, calls fail at once with {@link StreamError#UNAVAILABLE}; a join that failed so is kept
 * locally and made once Redis is back. {@link #close()} leaves this node's members (waiting up to
 * 2 s) so other nodes need not wait for their expiry.
 *
 * <p>Threading: every method is safe from any thread and never blocks, except {@link #close()};
 * results complete and the sink is called on Lettuce's threads, for one topic never concurrently and
 * in the order Redis applied the changes. Refresh and expiry run on Lettuce's computation threads.
 */
public final class RedisPresenceEngine implements PresenceEngine {
    private static final System.Logger LOG = System.getLogger(RedisPresenceEngine.class.getName());
    /** How long a crashed node's members stay present, at most (plus one refresh period), by default. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(30);
    /** Members per refresh or join script call, and removed per expire call. */
    static final int BATCH = 1000;

    private final PresenceKeys keys;
    private final String nodeId;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisScriptingAsyncCommands<byte[], byte[]> commands;
    private final PubSubLink link;
    private final PresenceChannels channels;
    private final LocalPresence local = new LocalPresence();
    private final Duration expiry;
    private final byte[] sharded;
    private final byte[] expiryMillis;
    private final byte[] keyTtlMillis;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final String endpoint;
    private volatile ScheduledFuture<?> ticker;
    private volatile boolean closed;

    private RedisPresenceEngine(Builder b) {
        this.keys = new PresenceKeys(b.keyPrefix);
        this.nodeId = b.nodeId != null ? b.nodeId : UUID.randomUUID().toString();
        this.expiry = b.expiry;
        this.maxInFlight = b.maxInFlight;
        this.expiryMillis = ascii(b.expiry.toMillis());
        this.keyTtlMillis = ascii(2 * b.expiry.toMillis());
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
        AbstractRedisClient c0 = null;
        try {
            if (b.clusterUris.isEmpty()) {
                RedisClient standalone = RedisClient.create(resources);
                c0 = standalone;
                standalone.setOptions(options);
                StatefulRedisConnection<byte[], byte[]> c = standalone.connect(ByteArrayCodec.INSTANCE, uris.get(0));
                this.connection = c;
                this.commands = c.async();
                this.link = new PubSubLink.Standalone(standalone.connectPubSub(ByteArrayCodec.INSTANCE, uris.get(0)));
            } else {
                RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
                c0 = cluster;
                cluster.setOptions(ClusterClientOptions.builder(options).build());
                StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
                this.connection = c;
                this.commands = c.async();
                this.link = new PubSubLink.Cluster(cluster.connectPubSub(ByteArrayCodec.INSTANCE));
            }
        } catch (RuntimeException e) {
            if (c0 != null) {
                LettuceSetup.shutdown(c0, resources);
            } else {
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            }
            throw e;
        }
        this.client = c0;
        this.sharded = new byte[] {(byte) (link.sharded() ? '1' : '0')};
        this.channels = new PresenceChannels(keys, link, topic -> rebuild(20));
        link.attach(channels);
        LOG.log(
                Level.INFO,
                "presence on Redis {0}{1}, expiry {2} ms",
                endpoint,
                link.sharded() ? " (cluster, sharded pub/sub)" : "",
                expiry.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start(Sink sink) {
        channels.start(Objects.requireNonNull(sink));
        long period = period();
        ticker = resources
                .eventExecutorGroup()
                .scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Void> join(String topic, Member member) {
        byte[] value = PresenceCodec.encode(member, nodeId);
        byte[] id = utf8(member.clientId());
        // Kept locally even if Redis refuses: the next refresh (or reconnect) makes it.
        return local.locked(topic, t -> {
                    t.members.put(member.clientId(), member);
                    t.leaving.remove(member.clientId());
                    return run("join " + topic, PresenceScripts.JOIN, topic, id, value);
                })
                .thenApply(r -> null);
    }

    @Override
    public CompletionStage<Void> leave(String topic, String clientId) {
        CompletableFuture<List<Object>> f = local.locked(topic, t -> {
            t.members.remove(clientId);
            return run("leave " + topic, PresenceScripts.LEAVE, topic, utf8(clientId));
        });
        return f.handleAsync(
                (r, e) -> {
                    if (e != null) {
                        local.locked(topic, t -> {
                            if (!t.members.containsKey(clientId)) {
                                t.leaving.add(clientId); // sent again with the next refresh
                            }
                            return null;
                        });
                        throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                    }
                    return null;
                },
                resources.eventExecutorGroup());
    }

    @Override
    public CompletionStage<PresencePage> members(String topic, String cursor, int limit) {
        int n = Math.max(1, Math.min(limit, PresencePage.MAX_LIMIT));
        return run(
                        "members of " + topic,
                        PresenceScripts.MEMBERS,
                        topic,
                        cursor == null ? new byte[0] : utf8(cursor),
                        ascii(n))
                .thenApply(PresenceCodec::page);
    }

    @Override
    public CompletionStage<PresenceStats> stats(String topic) {
        return run("stats of " + topic, PresenceScripts.STATS, topic)
                .thenApply(r -> new PresenceStats((Long) r.get(0), (Long) r.get(1)));
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        return channels.listen(topic);
    }

    @Override
    public void unlisten(String topic) {
        channels.unlisten(topic);
    }

    @Override
    public Duration expiry() {
        return expiry;
    }

    /** This node's id, stored with each of its members. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Whether both connections to Redis are up, commands and pub/sub (after a Redis restart: both
     * reconnected, so a subscribe made now can be confirmed).
     */
    public boolean isConnected() {
        return !closed && connection.isOpen() && link.isOpen();
    }

    /**
     * Leaves this node's members (waiting up to 2 s for Redis), then closes the connections and
     * stops every Lettuce thread it started; pending listens fail.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        List<CompletableFuture<?>> leaves = new ArrayList<>();
        for (String topic : local.topics()) {
            List<String> ids = local.locked(topic, x -> x.memberIds());
            for (String id : ids) {
                leaves.add(leave(topic, id).toCompletableFuture());
            }
        }
        try {
            CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.DEBUG, "leaving this node''s members on close: {0}", e.toString());
        }
        closed = true;
        channels.close();
        LettuceSetup.shutdown(client, resources);
    }

    // ------------------------------------------------------------------ refresh and expiry

    long period() {
        return Math.max(1, expiry.toMillis() / 3);
    }

    private void tick() {
        try {
            refreshAll();
            expireAll();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence refresh failed: {0}", e.toString());
        }
    }

    /**
     * Refreshes every local member now; when a pass fails (Redis not answering yet), tries again
     * after 100 ms, {@code attempts} times, then leaves it to the periodic refresh.
     */
    private void rebuild(int attempts) {
        if (closed || !rebuilding.compareAndSet(false, true)) {
            return;
        }
        refreshAll().whenComplete((ok, e) -> {
            rebuilding.set(false);
            if ((e != null || !ok) && attempts > 1 && !closed) {
                resources.eventExecutorGroup().schedule(() -> rebuild(attempts - 1), 100, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Refreshes (or joins again) every local member; completes with whether every call succeeded. */
    private CompletableFuture<Boolean> refreshAll() {
        List<CompletableFuture<Boolean>> calls = new ArrayList<>();
        for (String topic : local.topics()) {
            local.locked(topic, t -> {
                List<String> ids = t.memberIds();
                for (int from = 0; from < ids.size(); from += BATCH) {
                    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH));
                    byte[][] args =
                            chunk.stream().map(RedisPresenceEngine::utf8).toArray(byte[][]::new);
                    calls.add(run("refresh " + topic, PresenceScripts.REFRESH, topic, args)
                            // Off Lettuce's I/O thread: rejoin takes the topic's lock.
                            .thenComposeAsync(missing -> rejoin(topic, missing), resources.eventExecutorGroup())
                            .exceptionally(e -> false));
                }
                for (String id : new ArrayList<>(t.leaving)) {
                    calls.add(run("leave " + topic, PresenceScripts.LEAVE, topic, utf8(id))
                            .thenApplyAsync(
                                    r -> {
                                        local.locked(topic, x -> x.leaving.remove(id));
                                        return true;
                                    },
                                    resources.eventExecutorGroup())
                            .exceptionally(e -> false));
                }
                return null;
            });
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(v -> calls.stream().allMatch(CompletableFuture::join));
    }

    /** Joins again the members a refresh found missing, if they are still local. */
    private CompletableFuture<Boolean> rejoin(String topic, List<Object> missing) {
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return local.locked(topic, t -> {
            List<byte[]> args = new ArrayList<>(2 * missing.size());
            for (Object o : missing) {
                Member m = t.members.get(PresenceCodec.text((byte[]) o));
                if (m != null) {
                    args.add((byte[]) o);
                    args.add(PresenceCodec.encode(m, nodeId));
                }
            }
            if (args.isEmpty()) {
                return CompletableFuture.completedFuture(true);
            }
            LOG.log(Level.DEBUG, "joining {0} members of {1} again", args.size() / 2, topic);
            return run("join " + topic + " again", PresenceScripts.JOIN, topic, args.toArray(byte[][]::new))
                    .thenApply(r -> true);
        });
    }

    /** Removes the expired members of every topic this node listens to, with their leave events. */
    private void expireAll() {
        for (String topic : List.copyOf(channels.listened())) {
            expire(topic);
        }
    }

    private void expire(String topic) {
        run("expire " + topic, PresenceScripts.EXPIRE, topic, ascii(BATCH)).whenComplete((r, e) -> {
            if (e == null && (Long) r.get(0) == BATCH) {
                expire(topic); // more to remove
            }
        });
    }

    // ------------------------------------------------------------------ internals

    /** Runs a script on the topic's keys within the in-flight bound; every failure becomes {@code UNAVAILABLE}. */
    private CompletableFuture<List<Object>> run(String what, StreamScripts.Script script, String topic, byte[]... own) {
        if (closed) {
            return CompletableFuture.failedFuture(new StreamException(StreamError.UNAVAILABLE, "engine closed"));
        }
        if (!connection.isOpen()) {
            return CompletableFuture.failedFuture(
                    new StreamException(StreamError.UNAVAILABLE, "Redis at " + endpoint + " unreachable"));
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new StreamException(
                    StreamError.UNAVAILABLE, "Redis is not keeping up (" + maxInFlight + " commands in flight)"));
        }
        byte[][] args = new byte[3 + own.length][];
        args[0] = sharded;
        args[1] = expiryMillis;
        args[2] = keyTtlMillis;
        System.arraycopy(own, 0, args, 3, own.length);
        CompletableFuture<List<Object>> f;
        try {
            f = StreamScripts.run(commands, script, keys.all(topic), args);
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Builds a {@link RedisPresenceEngine}; {@link #build()} connects. */
    public static final class Builder {
        private String uri = "redis://localhost:6379";
        private List<String> clusterUris = List.of();
        private String keyPrefix = "duplex:";
        private String nodeId;
        private Duration expiry = DEFAULT_EXPIRY;
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
            new PresenceKeys(keyPrefix); // checks it
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** This node's id, stored with its members (default: a random UUID). */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId);
            return this;
        }

        /**
         * How long the members of a node that stopped refreshing them (crashed) stay present, at most,
         * plus one refresh period ({@code expiry / 3}); default 30 s, at least 300 ms. Every node
         * refreshes its members and removes expired ones every {@code expiry / 3}: a shorter
         * expiry costs proportionally more Redis calls.
         */
        public Builder expiry(Duration expiry) {
            if (expiry.toMillis() < 300) {
                throw new IllegalArgumentException("expiry must be at least 300 ms");
            }
            this.expiry = expiry;
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
        public RedisPresenceEngine build() {
            return new RedisPresenceEngine(this);
        }
    }
}
