package io.duplex.internal;

import io.duplex.History;
import io.duplex.HistoryQuery;
import io.duplex.Member;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEngine;
import io.duplex.PresenceEvent;
import io.duplex.PresenceIdentity;
import io.duplex.PresenceOptions;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.StreamEngine;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.Subscribed;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A server's stream subscriptions and their fan-out: the runtime half of streams, over a {@link
 * StreamEngine} that owns positions and history. Per topic, a count and one list per event loop
 * (as {@link Topic} for plain pub/sub); the engine is asked to listen to a topic while it has a
 * subscriber here. Each publication the engine hands over is queued once per loop with
 * subscribers and encoded once per codec ({@link Delivery}); each {@link StreamSubscription} then
 * keeps its own subscriber's sequence whole.
 *
 * <p>Threading: safe from any thread; the per-loop lists are confined to their loops.
 */
public final class StreamHub implements StreamEngine.Sink, PresenceEngine.Sink {
    private static final SecureRandom CLIENT_IDS = new SecureRandom();

    private final StreamEngine engine;
    private final Function<String, History> histories;
    private final PresenceEngine presenceEngine;
    private final Function<String, PresenceOptions> presence;
    private final PresenceIdentity identity;
    private final Map<String, StreamTopic> topics = new ConcurrentHashMap<>();

    /** One topic's subscribers on this node. */
    private static final class StreamTopic {
        volatile int count; // written inside the map's compute; read by subscriberCount
        CompletionStage<Void> listening;
        final Map<EventLoop, ArrayList<StreamSubscription>> byLoop = new ConcurrentHashMap<>();
    }

    /** A publication on its way to a node's subscribers, encoded at most once per codec in use. */
    static final class Delivery {
        final Publication publication;
        private StreamCodec codec;
        private PreparedMessage encoded;

        Delivery(Publication publication) {
            this.publication = publication;
        }

        synchronized PreparedMessage encoded(StreamCodec c) {
            if (c != codec) {
                // Almost always one codec per server; a second one costs an encode per switch.
                encoded = c.publication(publication);
                codec = c;
            }
            return encoded;
        }
    }

    public StreamHub(
            StreamEngine engine,
            Function<String, History> histories,
            PresenceEngine presenceEngine,
            Function<String, PresenceOptions> presence,
            PresenceIdentity identity) {
        this.engine = engine;
        this.histories = histories;
        this.presenceEngine = presenceEngine;
        this.presence = presence;
        this.identity = identity;
        engine.start(this);
        presenceEngine.start(this);
    }

    public PresenceEngine presenceEngine() {
        return presenceEngine;
    }

    /** The presence options of {@code topic}, or null when it has none. */
    public PresenceOptions presence(String topic) {
        return presence.apply(topic);
    }

    public StreamEngine engine() {
        return engine;
    }

    public History history(String topic) {
        return histories.apply(topic);
    }

    /** See {@code Streams.subscribe}. */
    public CompletableFuture<Subscribed> subscribe(
            WebSocketImpl ws, String topic, Position since, StreamCodec codec, int maxSubscriptions) {
        History history = histories.apply(topic);
        Member member = null;
        PresenceOptions options = presence.apply(topic);
        if (options != null) {
            PresenceIdentity.Identity who = identity.identify(ws);
            int infoBytes = who.info().getBytes(StandardCharsets.UTF_8).length;
            if (infoBytes > options.maxInfoBytes()) {
                return CompletableFuture.failedFuture(new StreamException(
                        StreamError.TOO_LARGE,
                        "member info of " + infoBytes + " bytes over " + options.maxInfoBytes()));
            }
            String clientId = newClientId();
            // An anonymous connection is a user of its own.
            member = new Member(clientId, who.userId().isEmpty() ? clientId : who.userId(), who.info());
        }
        StreamSubscription s = new StreamSubscription(this, ws, topic, codec, history, member);
        StreamSubscriptions mine = ws.streamSubscriptions();
        if (!mine.add(s, maxSubscriptions)) {
            return CompletableFuture.failedFuture(
                    mine.contains(topic)
                            ? new StreamException(StreamError.ALREADY_SUBSCRIBED, "already subscribed to " + topic)
                            : new StreamException(
                                    StreamError.TOO_MANY_SUBSCRIPTIONS,
                                    "at most " + maxSubscriptions + " subscriptions per connection"));
        }
        CompletionStage<Void> listening = add(s);
        // History is read only once live delivery is sure to overlap it (listen confirmed): the
        // subscription buffers live publications meanwhile and merges them by offset.
        HistoryQuery query =
                since == null ? new HistoryQuery(null, 0, false) : HistoryQuery.since(since, recoveryLimit(history));
        Member joining = member;
        listening
                // A member before it is answered: once the subscribe completes, every node sees it
                // (a join the engine refuses fails the subscribe: nothing is half done).
                .thenCompose(v -> joining == null ? listening : presenceEngine.join(topic, joining))
                .thenCompose(v -> engine.history(topic, query, history))
                .whenComplete((page, e) -> ws.loop().execute(() -> {
                    if (e != null) {
                        s.failed(e);
                    } else {
                        s.answer(since, page);
                    }
                }));
        return s.result();
    }

    private static String newClientId() {
        byte[] b = new byte[12];
        CLIENT_IDS.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Ends {@code ws}'s subscription to {@code topic}; false if it had none. */
    public boolean unsubscribe(WebSocketImpl ws, String topic) {
        StreamSubscription s = ws.streamSubscriptions().remove(topic);
        if (s == null) {
            return false;
        }
        s.end();
        return true;
    }

    /** The topics {@code ws} is subscribed to. */
    public java.util.Set<String> topicsOf(WebSocketImpl ws) {
        return ws.streamSubscriptions().topics();
    }

    /** Subscribers of {@code topic} on this node. */
    public int subscriberCount(String topic) {
        StreamTopic t = topics.get(topic);
        return t == null ? 0 : t.count;
    }

    /** The page size that covers a recovery: one more than the cap shows whether more was missed. */
    static int recoveryLimit(History history) {
        return Math.min(history.maxRecovery() + 1, HistoryQuery.MAX_LIMIT);
    }

    /** Reads history for a subscription catching up after a gap. */
    CompletionStage<io.duplex.HistoryPage> read(String topic, HistoryQuery query, History history) {
        return engine.history(topic, query, history);
    }

    @Override
    public void onPublication(Publication p) {
        StreamTopic t = topics.get(p.topic());
        if (t == null) {
            return;
        }
        Delivery d = new Delivery(p);
        t.byLoop.forEach((loop, list) -> loop.execute(() -> {
            for (int i = 0, n = list.size(); i < n; i++) {
                list.get(i).offer(d);
            }
        }));
    }

    @Override
    public void onPresence(PresenceEvent e) {
        StreamTopic t = topics.get(e.topic());
        PresenceOptions options = presence.apply(e.topic());
        if (t == null || options == null || !options.events()) {
            return; // events off: large topics use stats and pages instead
        }
        t.byLoop.forEach((loop, list) -> loop.execute(() -> {
            for (int i = 0, n = list.size(); i < n; i++) {
                list.get(i).presence(e);
            }
        }));
    }

    private CompletionStage<Void> add(StreamSubscription s) {
        StreamTopic t = topics.compute(s.topic(), (name, existing) -> {
            StreamTopic state = existing != null ? existing : new StreamTopic();
            state.count++;
            CompletionStage<Void> l = state.listening;
            if (l == null || l.toCompletableFuture().isCompletedExceptionally()) {
                // First subscriber, or the last attempt failed (e.g. the store was unreachable).
                state.listening = engine.listen(name);
                if (presence.apply(name) != null) {
                    state.listening = state.listening.thenCombine(presenceEngine.listen(name), (a, b) -> null);
                }
            }
            return state;
        });
        EventLoop loop = s.loop();
        ArrayList<StreamSubscription> list = t.byLoop.computeIfAbsent(loop, l -> new ArrayList<>());
        // Queued, even on the loop: fan-outs queued before this must not reach it (they are
        // covered by the history read that follows).
        loop.execute(() -> list.add(s));
        return t.listening;
    }

    /** Called once per subscription when it ends. */
    void remove(StreamSubscription s) {
        if (s.member() != null) {
            presenceEngine.leave(s.topic(), s.member().clientId());
        }
        StreamTopic[] mine = {null};
        topics.computeIfPresent(s.topic(), (name, t) -> {
            mine[0] = t;
            if (--t.count == 0) {
                engine.unlisten(name);
                if (presence.apply(name) != null) {
                    presenceEngine.unlisten(name);
                }
                return null;
            }
            return t;
        });
        if (mine[0] != null) {
            ArrayList<StreamSubscription> list = mine[0].byLoop.get(s.loop());
            if (list != null) {
                s.loop().execute(() -> list.remove(s));
            }
        }
    }
}
