package io.duplex.redis;

import io.duplex.Position;
import io.duplex.Publication;
import io.duplex.StreamEngine;
import io.duplex.StreamError;
import io.duplex.StreamException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The topics this node listens to: their channel subscriptions (through a {@link PubSubLink}), when
 * Redis confirmed them, and delivery of what arrives to the runtime's sink, per topic in offset
 * order (a publication at or below the last one delivered in the same epoch is dropped: live
 * messages and the catch-up read after a reconnect may overlap).
 *
 * <p>Confirmations: Redis answers each (S)SUBSCRIBE with one confirmation, in command order on the
 * connection. A topic counts the confirmations it still expects for its own commands; one more is
 * Lettuce's resubscription after a reconnect, and is reported ({@code resubscribed}) so the engine
 * can hand the sink the newest publication. A topic unlistened before its SUBSCRIBE is confirmed is
 * unsubscribed once the confirmation came, so a later listen is never confirmed by an earlier
 * command.
 *
 * <p>Threading: safe from any thread; the Lettuce callbacks come from its I/O threads. A topic's
 * state is changed inside the map's {@code compute} for it; delivery holds the topic's lock, so the
 * sink is never called concurrently for one topic.
 */
final class StreamChannels implements PubSubLink.Listener {
    private static final System.Logger LOG = System.getLogger(RedisStreamEngine.class.getName());

    private final StreamKeys keys;
    private final PubSubLink link;
    private final Consumer<String> resubscribed;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private volatile StreamEngine.Sink sink = p -> {};

    /** One listened topic (fields guarded by the map's compute for it, {@code last} by the object). */
    private static final class Topic {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        boolean wanted = true;
        int expected;
        Position last;
    }

    StreamChannels(StreamKeys keys, PubSubLink link, Consumer<String> resubscribed) {
        this.keys = keys;
        this.link = link;
        this.resubscribed = resubscribed;
    }

    void start(StreamEngine.Sink sink) {
        this.sink = sink;
    }

    boolean listens(String topic) {
        Topic t = topics.get(topic);
        return t != null && t.wanted;
    }

    /** Subscribes the topic's channel; completes when Redis confirmed it. */
    CompletableFuture<Void> listen(String topic) {
        boolean[] issue = {false};
        Topic t = topics.compute(topic, (name, existing) -> {
            if (existing != null && !existing.confirmed.isCompletedExceptionally()) {
                existing.wanted = true; // a pending confirmation completes it
                return existing;
            }
            Topic fresh = new Topic();
            fresh.expected = 1;
            issue[0] = true;
            return fresh;
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
                        new StreamException(StreamError.UNAVAILABLE, "the stream engine is closed")));
    }

    // ------------------------------------------------------------------ Lettuce's I/O threads

    /** Redis confirmed a (S)SUBSCRIBE of {@code channel}. */
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
            case 3 -> unsubscribe(topic); // resubscribed by Lettuce after this node let it go
            default -> {}
        }
    }

    /** A message on one of our channels. */
    @Override
    public void message(byte[] channel, byte[] message) {
        String topic = keys.topic(channel);
        if (topic == null) {
            return;
        }
        Publication p = PublicationCodec.decode(topic, message);
        if (p == null) {
            LOG.log(Level.DEBUG, "skipped a message on {0} that is not a Duplex publication", topic);
            return;
        }
        deliver(p);
    }

    /** Hands {@code p} to the sink unless the topic is not listened or it is not newer than the last. */
    void deliver(Publication p) {
        Topic t = topics.get(p.topic());
        if (t == null || !t.wanted) {
            return;
        }
        synchronized (t) {
            Position last = t.last;
            if (last != null && last.epoch().equals(p.position().epoch()) && p.offset() <= last.offset()) {
                return;
            }
            t.last = p.position();
            sink.onPublication(p);
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
                new StreamException(StreamError.UNAVAILABLE, "could not subscribe to " + topic + ": " + e, e));
    }

    private void unsubscribe(String topic) {
        link.unsubscribe(keys.channel(topic)).whenComplete((ok, e) -> {
            if (e != null) {
                // Lettuce resubscribes it after a reconnect; confirmed() lets it go again then.
                LOG.log(Level.DEBUG, "unsubscribing {0} failed: {1}", topic, e.toString());
            }
        });
    }
}
