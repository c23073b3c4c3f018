package io.duplex.redis;

import io.duplex.Position;
import io.duplex.Publication;
import io.duplex.StreamEngine;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The topics this node listens to: their channel subscriptions (through a {@link PubSubLink}), when
 * Redis confirmed them, and delivery of what arrives to the runtime's sink, per topic in offset
 * order (a publication at or below the last one delivered in the same epoch is dropped: live
 * messages and the catch-up read after a reconnect may overlap).
 *
 * <p>Confirmations are counted by {@link ChannelListens}; Lettuce's resubscription after a
 * reconnect is reported ({@code resubscribed}) so the engine can hand the sink the newest
 * publication.
 *
 * <p>Threading: safe from any thread; the Lettuce callbacks come from its I/O threads. Delivery
 * holds the topic's lock, so the sink is never called concurrently for one topic.
 */
final class StreamChannels implements PubSubLink.Listener {
    private static final System.Logger LOG = System.getLogger(RedisStreamEngine.class.getName());

    private final ChannelListens<Topic> listens;
    private volatile StreamEngine.Sink sink = p -> {};

    /** One listened topic; {@code last} guarded by the object. */
    private static final class Topic extends ChannelListens.Listened {
        Position last;
    }

    StreamChannels(StreamKeys keys, PubSubLink link, Consumer<String> resubscribed) {
        this.listens = new ChannelListens<>(LOG, "stream", link, keys::channel, keys::topic, Topic::new, resubscribed);
    }

    void start(StreamEngine.Sink sink) {
        this.sink = sink;
    }

    boolean listens(String topic) {
        return listens.listens(topic);
    }

    /** Subscribes the topic's channel; completes when Redis confirmed it. */
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

    /** A message on one of our channels. */
    @Override
    public void message(byte[] channel, byte[] message) {
        String topic = listens.topic(channel);
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
        Topic t = listens.wanted(p.topic());
        if (t == null) {
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
}
