package io.duplex.redis;

import io.duplex.PresenceEngine;
import io.duplex.PresenceEvent;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The topics whose presence this node listens to: their event channel subscriptions (through a
 * {@link PubSubLink}), when Redis confirmed them, and delivery of the events to the runtime's sink.
 *
 * <p>Confirmations are counted by {@link ChannelListens}, as for {@link StreamChannels}; Lettuce's
 * resubscription after a reconnect is reported ({@code resubscribed}) so the engine rebuilds
 * presence at once.
 *
 * <p>Threading: safe from any thread; the Lettuce callbacks come from its I/O threads. A topic's
 * state is changed inside the map's {@code compute} for it; delivery holds the topic's lock, so the
 * sink is never called concurrently for one topic, and Redis's order (one connection per shard, a
 * topic in one shard) is kept.
 */
final class PresenceChannels implements PubSubLink.Listener {
    private static final System.Logger LOG = System.getLogger(RedisPresenceEngine.class.getName());

    private final ChannelListens<ChannelListens.Listened> listens;
    private volatile PresenceEngine.Sink sink = e -> {};

    PresenceChannels(PresenceKeys keys, PubSubLink link, Consumer<String> resubscribed) {
        this.listens = new ChannelListens<>(
                LOG, "presence", link, keys::channel, keys::topic, ChannelListens.Listened::new, resubscribed);
    }

    void start(PresenceEngine.Sink sink) {
        this.sink = sink;
    }

    /** The topics listened to now (a view). */
    Set<String> listened() {
        return listens.listened();
    }

    boolean listens(String topic) {
        return listens.listens(topic);
    }

    /** Subscribes the topic's event channel; completes when Redis confirmed it. */
    CompletableFuture<Void> listen(String topic) {
        return listens.listen(topic);
    }

    void unlisten(String topic) {
        listens.unlisten(topic);
    }

    /** Fails every listen still waiting (the engine is closing). */
    void close() {
        listens.close();
    }

    // ------------------------------------------------------------------ Lettuce's I/O threads

    @Override
    public void confirmed(byte[] channel) {
        listens.confirmed(channel);
    }

    @Override
    public void message(byte[] channel, byte[] message) {
        String topic = listens.topic(channel);
        if (topic == null) {
            return;
        }
        ChannelListens.Listened t = listens.wanted(topic);
        if (t == null) {
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
}
