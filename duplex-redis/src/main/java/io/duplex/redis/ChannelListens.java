package io.duplex.redis;

import io.duplex.StreamError;
import io.duplex.StreamException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The topics a node listens to through a {@link PubSubLink}, and Redis's confirmations of them —
 * the bookkeeping {@link StreamChannels} and {@link PresenceChannels} share (each adds what it
 * does with a message).
 *
 * <p>Confirmations: Redis answers each (S)SUBSCRIBE with one confirmation, in command order on the
 * connection. A topic counts the confirmations it still expects for its own commands; one more is
 * Lettuce's resubscription after a reconnect, and is reported ({@code resubscribed}) so the engine
 * can catch up. A topic unlistened before its SUBSCRIBE is confirmed is unsubscribed once the
 * confirmation came, so a later listen is never confirmed by an earlier command.
 *
 * <p>Threading: safe from any thread; confirmations come from Lettuce's I/O threads. A topic's
 * state is changed inside the map's {@code compute} for it.
 *
 * @param <T> the per-topic state of the user (a {@link Listened} with what it adds)
 */
final class ChannelListens<T extends ChannelListens.Listened> {

    /** One listened topic (fields guarded by the map's compute for it). */
    static class Listened {
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        boolean wanted = true;
        int expected = 1;
    }

    private final System.Logger log;
    private final String engine;
    private final PubSubLink link;
    private final Function<String, byte[]> channelOf;
    private final Function<byte[], String> topicOf;
    private final Supplier<T> fresh;
    private final Consumer<String> resubscribed;
    private final Map<String, T> topics = new ConcurrentHashMap<>();

    /**
     * @param engine the engine's name in failure messages ("stream", "presence")
     * @param channelOf a topic's channel
     * @param topicOf a channel's topic, or null when the channel is not one of these
     */
    ChannelListens(
            System.Logger log,
            String engine,
            PubSubLink link,
            Function<String, byte[]> channelOf,
            Function<byte[], String> topicOf,
            Supplier<T> fresh,
            Consumer<String> resubscribed) {
        this.log = log;
        this.engine = engine;
        this.link = link;
        this.channelOf = channelOf;
        this.topicOf = topicOf;
        this.fresh = fresh;
        this.resubscribed = resubscribed;
    }

    /** The topic of {@code channel}, or null when it is not one of these channels. */
    String topic(byte[] channel) {
        return topicOf.apply(channel);
    }

    /** The state of {@code topic} while it is wanted; null otherwise. */
    T wanted(String topic) {
        T t = topics.get(topic);
        return t != null && t.wanted ? t : null;
    }

    boolean listens(String topic) {
        return wanted(topic) != null;
    }

    /** The topics listened to now (a view). */
    Set<String> listened() {
        return topics.keySet();
    }

    /** Subscribes the topic's channel; completes when Redis confirmed it. */
    CompletableFuture<Void> listen(String topic) {
        boolean[] issue = {false};
        T t = topics.compute(topic, (name, existing) -> {
            if (existing != null && !existing.confirmed.isCompletedExceptionally()) {
                existing.wanted = true; // a pending confirmation completes it
                return existing;
            }
            issue[0] = true;
            return fresh.get();
        });
        if (issue[0]) {
            link.subscribe(channelOf.apply(topic)).whenComplete((ok, e) -> {
                if (e != null) {
                    failed(topic, t, e);
                }
            });
        }
        return t.confirmed;
    }

    void unlisten(String topic) {
        boolean[] issue = {false};
        topics.computeIfPresent(topic, (name, t) -> {
            t.wanted = false;
            if (t.expected > 0) {
                return t; // unsubscribed when the confirmation comes
            }
            issue[0] = true;
            return null;
        });
        if (issue[0]) {
            unsubscribe(topic);
        }
    }

    /** Fails every listen still waiting (the engine is closing). */
    void close() {
        topics.values()
                .forEach(t -> t.confirmed.completeExceptionally(
                        new StreamException(StreamError.UNAVAILABLE, "the " + engine + " engine is closed")));
    }

    /** Redis confirmed a (S)SUBSCRIBE of {@code channel} (Lettuce's I/O thread). */
    void confirmed(byte[] channel) {
        String topic = topicOf.apply(channel);
        if (topic == null) {
            return;
        }
        int[] outcome = {0}; // 1: our command confirmed, 2: a resubscription, 3: unwanted
        T t = topics.compute(topic, (name, existing) -> {
            if (existing == null) {
                outcome[0] = 3;
                return null;
            }
            if (existing.expected > 0) {
                existing.expected--;
                if (existing.wanted) {
                    outcome[0] = 1;
                    return existing;
                }
                if (existing.expected == 0) {
                    outcome[0] = 3;
                    return null;
                }
                return existing;
            }
            outcome[0] = existing.wanted ? 2 : 3;
            return existing;
        });
        switch (outcome[0]) {
            case 1 -> t.confirmed.complete(null);
            case 2 -> resubscribed.accept(topic);
            case 3 -> unsubscribe(topic); // resubscribed by Lettuce after this node let it go
            default -> {}
        }
    }

    private void failed(String topic, T t, Throwable e) {
        topics.computeIfPresent(topic, (name, existing) -> {
            if (existing != t) {
                return existing;
            }
            existing.expected = Math.max(0, existing.expected - 1);
            return existing.expected == 0 ? null : existing;
        });
        t.confirmed.completeExceptionally(
                new StreamException(StreamError.UNAVAILABLE, "could not listen to " + topic + ": " + e, e));
    }

    private void unsubscribe(String topic) {
        link.unsubscribe(channelOf.apply(topic)).whenComplete((ok, e) -> {
            if (e != null) {
                // Lettuce resubscribes it after a reconnect; confirmed() lets it go again then.
                log.log(Level.DEBUG, "unsubscribing {0} failed: {1}", topic, e.toString());
            }
        });
    }
}
