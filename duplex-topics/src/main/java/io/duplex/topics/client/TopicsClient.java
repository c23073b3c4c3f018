package io.duplex.topics.client;

import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.ReconnectPolicy;
import io.duplex.Streams;
import io.duplex.WebSocket;
import io.duplex.WebSocketClient;
import io.duplex.WebSocketConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A client of the topics protocol (docs/topics-protocol.md): subscribe to topics, publish, read
 * history and presence, over one WebSocket that reconnects by itself. After every reconnect it subscribes to each
 * topic again from the last position it handed to that topic's listener, so a listener sees every
 * publication once and in order across connection drops ({@code recovered = true}), or is told it
 * was not recovered (a new epoch: the server lost its history) and should reload its state.
 *
 * <pre>{@code
 * TopicsClient client = TopicsClient.builder(URI.create("ws://localhost:8080/topics"))
 *         .reconnect(ReconnectPolicy.defaults())
 *         .build();
 * client.connect().join();
 * client.subscribe("chat.lobby", new TopicListener() {
 *     public void onPublication(Position position, JsonNode data) { show(data); }
 * });
 * client.publish("chat.lobby", Map.of("text", "hi")).join(); // the position it was stored at
 * }</pre>
 *
 * <p>Delivery: a {@link #publish} completes once the server stored the publication; it fails with a
 * {@link TopicsException} when refused, and with a {@link ConnectionLostException} when the
 * connection drops before the acknowledgement (or there is none). A publish whose acknowledgement
 * was lost may have been stored: publishing it again is at-least-once, so give publications an
 * identity of your own if duplicates matter.
 *
 * <p>Threading: all methods are safe from any thread and never block. Listener methods, the state
 * listener and the completions of the returned futures run on the client's event-loop thread (or,
 * with {@link Builder#handlerExecutor}, on that executor, one at a time), in the order the server's
 * messages arrived, so each topic's calls come in offset order and never overlap. Do not block in
 * them (calling this client from them is fine).
 */
public final class TopicsClient implements AutoCloseable {
    /** The subprotocol offered (docs/topics-protocol.md, "Connection"). */
    public static final String SUBPROTOCOL = "duplex.topics.v1";

    private static final System.Logger LOG = System.getLogger(TopicsClient.class.getName());

    private final URI uri;
    private final Map<String, String> headers;
    private final ReconnectPolicy policy;
    private final RandomGenerator random;
    private final WebSocketClient client;
    private final TopicsSession session;

    private TopicsClient(Builder b) {
        this.uri = b.uri;
        this.headers = Map.copyOf(b.headers);
        this.policy = b.reconnect;
        this.random = b.random;
        WebSocketClient.Builder wb = WebSocketClient.builder()
                .config(b.config)
                .subprotocols(SUBPROTOCOL)
                .reconnect(policy)
                .random(random);
        if (b.handlerExecutor != null) {
            wb.handlerExecutor(b.handlerExecutor);
        }
        this.client = wb.build();
        this.session = new TopicsSession(b.stateListener);
    }

    /** A builder for a client of the topics route at {@code uri} ({@code ws://} or {@code wss://}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Opens the connection: completes with this client once connected, or fails when the policy
     * allows no more attempts (or the server refuses for good, e.g. HTTP 403). Topics subscribed
     * before are sent as soon as it opens.
     */
    public CompletableFuture<TopicsClient> connect() {
        return client.connect(uri, session, headers)
                .handle((ws, error) -> {
                    if (error != null) {
                        session.gaveUp(error);
                        throw error instanceof RuntimeException r ? r : new CompletionException(error);
                    }
                    return ws;
                })
                .thenCompose(ws -> session.firstOpen())
                .thenApply(v -> this);
    }

    /**
     * Subscribes to {@code topic}, live from now on; see {@link #subscribe(String, Position,
     * TopicListener)}.
     */
    public Subscription subscribe(String topic, TopicListener listener) {
        return subscribe(topic, null, listener);
    }

    /**
     * Subscribes to {@code topic}: the listener gets {@link TopicListener#onSubscribed} (whether
     * what came after {@code since} is recovered), then the publications. The client keeps the
     * subscription across reconnections (resuming from the last position handed to the listener)
     * until it is unsubscribed or the server refuses it ({@link TopicListener#onError}).
     *
     * @param since the last position the application processed (e.g. stored with its state), or
     *     null for live publications only
     * @throws io.duplex.StreamException {@code BAD_TOPIC} for a name outside the grammar
     * @throws IllegalStateException when the topic is already subscribed or the client is closed
     */
    public Subscription subscribe(String topic, Position since, TopicListener listener) {
        return subscribe(topic, listener, SubscribeOptions.defaults().since(since));
    }

    /**
     * Subscribes to {@code topic} as {@link #subscribe(String, Position, TopicListener)} does, with
     * {@code options}: its {@code since}, and whether the listener is also told who joins and
     * leaves ({@link TopicListener#onJoin}, {@link TopicListener#onLeave}; asked again after every
     * reconnect). Events come only after {@link TopicListener#onSubscribed}; after a reconnect the
     * joins and leaves missed meanwhile are not replayed, so a listener that keeps a roster reloads
     * it with {@link #presence} on each {@code onSubscribed}.
     */
    public Subscription subscribe(String topic, TopicListener listener, SubscribeOptions options) {
        Streams.checkTopic(topic);
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        return session.subscribe(topic, options, listener);
    }

    /** Ends the subscription to {@code topic} (see {@link Subscription#unsubscribe()}); done at once if none. */
    public CompletableFuture<Void> unsubscribe(String topic) {
        return session.unsubscribe(topic);
    }

    /**
     * Publishes {@code data} (any value Jackson can write as JSON, or a {@code JsonNode}) on {@code
     * topic}: completes with its position once the server stored it; fails with a {@link
     * TopicsException} when refused, or a {@link ConnectionLostException} when not connected or when
     * the connection drops before the acknowledgement. A publish whose acknowledgement was lost may
     * have been stored: retrying it is at-least-once.
     */
    public CompletableFuture<Position> publish(String topic, Object data) {
        return session.publish(topic, data);
    }

    /**
     * Reads a page of {@code topic}'s history ({@link HistoryQuery#since} or {@link
     * HistoryQuery#newest}); fails with a {@link TopicsException} (e.g. 4005 {@code NO_HISTORY}) or
     * a {@link ConnectionLostException}.
     */
    public CompletableFuture<TopicHistoryPage> history(String topic, HistoryQuery query) {
        return session.history(topic, Objects.requireNonNull(query, "query"));
    }

    /**
     * A page of {@code topic}'s members: {@code cursor} null for the first page, else the previous
     * page's {@link TopicPresencePage#cursor()}; {@code limit} 1 to 1,000. Fails with a {@link
     * TopicsException} (4010 {@code NO_PRESENCE}, 4004 {@code BAD_REQUEST}, 4030 {@code FORBIDDEN})
     * or a {@link ConnectionLostException}.
     */
    public CompletableFuture<TopicPresencePage> presence(String topic, String cursor, int limit) {
        return session.presence(topic, cursor, limit);
    }

    /** How many connections and users are present on {@code topic}; fails as {@link #presence} does. */
    public CompletableFuture<TopicPresenceStats> presenceStats(String topic) {
        return session.presenceStats(topic);
    }

    /** An application-level round trip: completes on the server's pong. */
    public CompletableFuture<Void> ping() {
        return session.ping();
    }

    /** The connection's state now. */
    public ConnectionState state() {
        return session.state();
    }

    /**
     * Closes the connection (1000) and the client's event loop; waiting requests fail with a
     * {@link ConnectionLostException}, listeners get nothing more.
     */
    @Override
    public void close() {
        WebSocket ws = session.close();
        if (ws != null) {
            ws.close(1000, "");
        }
        client.close();
    }

    /** Builds a {@link TopicsClient}; not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private ReconnectPolicy reconnect = ReconnectPolicy.defaults();
        private WebSocketConfig config = WebSocketConfig.DEFAULT;
        private RandomGenerator random = new SplittableRandom();
        private Executor handlerExecutor;
        private Consumer<ConnectionState> stateListener;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** How lost connections are retried (default {@link ReconnectPolicy#defaults()}). */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Adds a header to every upgrade request (e.g. {@code Authorization}). */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** The WebSocket settings (message limits, timeouts); the subprotocol is always {@code duplex.topics.v1}. */
        public Builder config(WebSocketConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Runs listeners and completions on this executor (serially) instead of the event loop. */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = executor;
            return this;
        }

        /** Told of every change of {@link ConnectionState}, on the thread the change happened on. */
        public Builder onStateChange(Consumer<ConnectionState> listener) {
            this.stateListener = listener;
            return this;
        }

        /** The reconnect jitter's source (tests pass a seeded one). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public TopicsClient build() {
            return new TopicsClient(this);
        }
    }
}
