package io.duplex.redis;

import io.duplex.InMemoryBroker;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which Redis channels this node's subscriber connection should be on: exactly the topics that
 * have local subscribers. {@link #reconcile} follows the local broker's topic events;
 * {@link #resync} puts everything right again after the connection comes back.
 *
 * <p>Why a resync of our own: Lettuce re-issues SUBSCRIBE on reconnect only for the channels Redis
 * had confirmed before the connection dropped. A topic that gained its first subscriber while Redis
 * was away was never confirmed (the command was rejected), and a topic that lost its last one was
 * never unsubscribed; Lettuce would leave the first out and bring the second back.
 *
 * <p>Threading: {@link #reconcile} and {@link #resync} run on one serial executor; {@link
 * #confirmed} and {@link #unconfirmed} are called on Lettuce's I/O thread.
 */
final class Subscriptions {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());
    /** Channels per SUBSCRIBE/UNSUBSCRIBE command in a resync, to keep each command small. */
    private static final int BATCH = 512;

    private final InMemoryBroker local;
    private final String prefix;
    private final byte[] prefixBytes;
    private final Supplier<RedisPubSubAsyncCommands<byte[], byte[]>> commands;
    /** Topics whose last command issued was SUBSCRIBE (serial executor only). */
    private final Set<String> issued = new HashSet<>();
    /** Topics Redis confirmed and did not unsubscribe since: what Lettuce resubscribes. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

    Subscriptions(InMemoryBroker local, String prefix, Supplier<RedisPubSubAsyncCommands<byte[], byte[]>> commands) {
        this.local = local;
        this.prefix = prefix;
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.commands = commands;
    }

    /** Subscribes or unsubscribes one topic to match its local subscribers now. */
    void reconcile(String topic, boolean connected) {
        boolean active = local.subscriberCount(topic) > 0;
        if (active == issued.contains(topic)) {
            return;
        }
        if (active) {
            issued.add(topic);
        } else {
            issued.remove(topic);
        }
        if (!connected) {
            return; // the resync on reconnect catches up
        }
        byte[] channel = channel(topic);
        RedisFuture<Void> f =
                active ? commands.get().subscribe(channel) : commands.get().unsubscribe(channel);
        f.whenComplete((ok, e) -> {
            if (e != null) {
                LOG.log(
                        Level.DEBUG,
                        "{0} {1} failed ({2}); retried when the connection is back",
                        active ? "SUBSCRIBE" : "UNSUBSCRIBE",
                        prefix + topic,
                        e.toString());
            }
        });
    }

    /**
     * After a (re)connect: unsubscribes what Redis would otherwise keep for topics without local
     * subscribers, and subscribes every topic that has some.
     *
     * @return completes with the number of topics subscribed, when Redis confirmed them
     */
    CompletableFuture<Integer> resync() {
        Set<String> wanted = new HashSet<>();
        local.forEachTopic((topic, count) -> {
            if (count > 0) {
                wanted.add(topic);
            }
        });
        Set<String> stale = new HashSet<>(confirmed);
        stale.addAll(issued);
        stale.removeAll(wanted);
        issued.clear();
        issued.addAll(wanted);
        RedisPubSubAsyncCommands<byte[], byte[]> redis = commands.get();
        for (byte[][] batch : batches(stale)) {
            redis.unsubscribe(batch);
        }
        List<CompletableFuture<Void>> subscribed = new ArrayList<>();
        for (byte[][] batch : batches(wanted)) {
            subscribed.add(redis.subscribe(batch).toCompletableFuture());
        }
        return CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new))
                .thenApply(done -> wanted.size());
    }

    /** Topics this node asked Redis for (serial executor only). */
    int issuedCount() {
        return issued.size();
    }

    void confirmed(byte[] channel) {
        confirmed.add(topic(channel));
    }

    void unconfirmed(byte[] channel) {
        confirmed.remove(topic(channel));
    }

    byte[] channel(String topic) {
        return (prefix + topic).getBytes(StandardCharsets.UTF_8);
    }

    /** The topic of one of our channels (each starts with the prefix: no pattern subscriptions). */
    String topic(byte[] channel) {
        int p = prefixBytes.length;
        boolean prefixed = channel.length >= p && Arrays.equals(channel, 0, p, prefixBytes, 0, p);
        int from = prefixed ? p : 0;
        return new String(channel, from, channel.length - from, StandardCharsets.UTF_8);
    }

    private List<byte[][]> batches(Set<String> topics) {
        List<byte[][]> out = new ArrayList<>();
        List<String> all = new ArrayList<>(topics);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> slice = all.subList(from, Math.min(all.size(), from + BATCH));
            out.add(slice.stream().map(this::channel).toArray(byte[][]::new));
        }
        return out;
    }
}
