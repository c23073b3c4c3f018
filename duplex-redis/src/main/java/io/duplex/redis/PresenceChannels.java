package io.duplex.redis;

import io.duplex.PresenceEngine;
import io.duplex.PresenceEvent;
import io.duplex.StreamError;
import io.duplex.StreamException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The topics whose presence this node listens to: their event channel subscriptions (through a
 * {@link PubSubLink}), when Redis confirmed them, and delivery of the events to the runtime's sink.
 *
 * <p>Confirmations are counted exactly as {@link StreamChannels} counts them: Redis answers each
 * (S)SUBSCRIBE with one confirmation, in command order on the connection; one a topic did not
 * expect is Lettuce's resubscription after a reconnect, reported ({@code resubscribed}) so the
 * engine rebuilds presence at once; a topic unlistened before its confirmation is unsubscribed when
 * it comes, so a later listen is never confirmed by an earlier command.
 *
 * <p>Threading: safe from any thread; the Lettuce callbacks come from its I/O threads. A topic's
 * state is changed inside the map's {@code compute} for it; delivery holds the topic's lock, so the
 * sink is never called concurrently for one topic, and Redis's order (one connection per shard, a
 * topic in one shard) is kept.
 */
final class PresenceChannels implements PubSubLink.Listener {
    private static final System.Logger LOG = System.getLogger(RedisPresenceEngine.class.getName());

    private final PresenceKeys keys;
    private final PubSubLink link;
    private final Consumer<String> resubscribed;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private volatile PresenceEngine.Sink sink = e -> {};

    /** One listened topic (fields guarded by the map's compute for it). */
    private static final class Topic {
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        boolean wanted = true;
        int expected = 1;
    }

    PresenceChannels(PresenceKeys keys, PubSubLink link, Consumer<String> resubscribed) {
        this.keys = keys;
        this.link = link;
        this.resubscribed = resubscribed;
    }

    void start(PresenceEngine.Sink sink) {
        this.sink = sink;
    }

    /** The topics listened to now (a view). */
    Set<String> listened() {
        return topics.keySet();
    }

    boolean listens(String topic) {
        Topic t = topics.get(topic);
        return t != null && t.wanted;
    }

    /** Subscribes the topic's event channel; completes when Redis confirmed it. */
    CompletableFuture<Void> listen(String topic) {
        boolean[] issue = {false};
        Topic t = topics.compute(topic, (name, existing) -> {
            if (existing != null && !existing.confirmed.isCompletedExceptionally()) {
                existing.wanted = true; // a pending confirmation completes it
                return existing;
            }
            issue[0] = true;
            return new Topic();
        });
        if (issue[0]) {
            link.subscribe(keys.channel(topic)).whenComplete((ok, e) -> {
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
                        new StreamException(StreamError.UNAVAILABLE, "the presence engine is closed")));
    }

    // ------------------------------------------------------------------ Lettuce's I/O threads

    @Override
    public void confirmed(byte[] channel) {
        String topic = keys.topic(channel);
        if (topic == null) {
            return;
        }
        int[] outcome = {0}; // 1: our command confirmed, 2: a resubscription, 3: unwanted
        Topic t = topics.compute(topic, (name, existing) -> {
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
            case 3 -> unsubscribe(topic);
            default -> {}
        }
    }

    @Override
    public void message(byte[] channel, byte[] message) {
        String topic = keys.topic(channel);
        if (topic == null) {
            return;
        }
        Topic t = topics.get(topic);
        if (t == null || !t.wanted) {
            return;
        }
        PresenceEvent e = PresenceCodec.event(topic, message);
        if (e == null) {
            LOG.log(Level.DEBUG, "skipped a message on {0} that is not a presence event", topic);
            return;
        }
        synchronized (t) {
            sink.onPresence(e);
        }
    }

    // ------------------------------------------------------------------ internals

    private void failed(String topic, Topic t, Throwable e) {
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
        link.unsubscribe(keys.channel(topic)).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "unsubscribing {0} failed: {1}", topic, e.toString());
            }
        });
    }
}
