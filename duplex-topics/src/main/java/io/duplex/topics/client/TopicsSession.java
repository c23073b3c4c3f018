package io.duplex.topics.client;

import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.ReconnectPolicy;
import io.duplex.SendResult;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The protocol state of a {@link TopicsClient} across its connections: the tracked topics with
 * their last positions, the requests waiting for replies, and what happens on each connection's
 * open (subscribe every topic again, from its last position) and close (fail what cannot be
 * answered any more).
 *
 * <p>Threading: public-facing methods are called from any thread; the handler callbacks come from
 * the connection's loop (or the handler executor), one at a time. State is guarded by {@code this};
 * listeners, state callbacks and futures are called outside the lock, so a listener may call back
 * into the client.
 */
final class TopicsSession implements WebSocketHandler {
    private static final System.Logger LOG = System.getLogger(TopicsSession.class.getName());

    private final Consumer<ConnectionState> stateListener;

    // Guarded by this.
    private final Map<String, Subscription> topics = new LinkedHashMap<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private WebSocket ws;
    private boolean open;
    private boolean closed;
    private long nextId = 1;
    private ConnectionState state = ConnectionState.CONNECTING;
    /** Completed once the first connection is open and its subscriptions are sent. */
    private final CompletableFuture<Void> firstOpen = new CompletableFuture<>();

    TopicsSession(Consumer<ConnectionState> stateListener) {
        this.stateListener = stateListener;
    }

    synchronized ConnectionState state() {
        return state;
    }

    // ------------------------------------------------------------------ requests

    Subscription subscribe(String topic, SubscribeOptions options, TopicListener listener) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            Subscription existing = topics.get(topic);
            if (existing != null) {
                throw new IllegalStateException("already subscribed to " + topic);
            }
            Subscription s = new Subscription(this, topic, listener, options);
            topics.put(topic, s);
            if (open) {
                sendSubscribe(s);
            }
            // When not open, the next connection's open sends it.
            return s;
        }
    }

    /** Sends a subscribe from the subscription's last position; the caller holds the lock and is open. */
    private void sendSubscribe(Subscription s) {
        long id = nextId++;
        pending.put(id, new Pending.Subscribe(s));
        ws.send(ClientRequests.subscribe(id, s.topic(), s.position(), s.presence()));
        // DROPPED means this connection is going away: its close clears pending, the next open resends.
    }

    CompletableFuture<Void> unsubscribe(Subscription s) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            if (!s.active) {
                future.complete(null);
                return future;
            }
            s.active = false;
            topics.remove(s.topic(), s);
            if (!open) {
                future.complete(null);
                return future;
            }
            long id = nextId++;
            pending.put(id, new Pending.Unsubscribe(future));
            if (ws.send(ClientRequests.unsubscribe(id, s.topic())) == SendResult.DROPPED) {
                pending.remove(id);
                future.complete(null);
            }
        }
        return future;
    }

    CompletableFuture<Void> unsubscribe(String topic) {
        Subscription s;
        synchronized (this) {
            s = topics.get(topic);
        }
        return s == null ? CompletableFuture.completedFuture(null) : unsubscribe(s);
    }

    CompletableFuture<Position> publish(String topic, Object data) {
        CompletableFuture<Position> future = new CompletableFuture<>();
        String text;
        long id;
        synchronized (this) {
            id = nextId++;
        }
        try {
            text = ClientRequests.publish(id, topic, data);
        } catch (IllegalArgumentException e) {
            future.completeExceptionally(e);
            return future;
        }
        request(id, new Pending.Publish(future), text);
        return future;
    }

    CompletableFuture<TopicHistoryPage> history(String topic, HistoryQuery query) {
        CompletableFuture<TopicHistoryPage> future = new CompletableFuture<>();
        long id;
        synchronized (this) {
            id = nextId++;
        }
        request(id, new Pending.History(future), ClientRequests.history(id, topic, query));
        return future;
    }

    CompletableFuture<TopicPresencePage> presence(String topic, String cursor, int limit) {
        CompletableFuture<TopicPresencePage> future = new CompletableFuture<>();
        long id;
        synchronized (this) {
            id = nextId++;
        }
        request(id, new Pending.Presence(future), ClientRequests.presence(id, topic, cursor, limit));
        return future;
    }

    CompletableFuture<TopicPresenceStats> presenceStats(String topic) {
        CompletableFuture<TopicPresenceStats> future = new CompletableFuture<>();
        long id;
        synchronized (this) {
            id = nextId++;
        }
        request(id, new Pending.PresenceStats(future), ClientRequests.presenceStats(id, topic));
        return future;
    }

    CompletableFuture<Void> ping() {
        CompletableFuture<Void> future = new CompletableFuture<>();
        long id;
        synchronized (this) {
            id = nextId++;
        }
        request(id, new Pending.Ping(future), ClientRequests.ping(id));
        return future;
    }

    /** Sends a request that needs a connection now: without one it fails at once. */
    private void request(long id, Pending p, String text) {
        synchronized (this) {
            if (open) {
                pending.put(id, p);
                if (ws.send(text) != SendResult.DROPPED) {
                    return;
                }
                pending.remove(id);
            }
        }
        p.connectionLost(closedOrDown());
    }

    private synchronized String closedOrDown() {
        return closed ? "the client is closed" : "not connected";
    }

    /**
     * Marks the session closed and fails what waits; returns the socket for the caller to close
     * (null when there is none).
     */
    WebSocket close() {
        List<Pending> lost;
        WebSocket socket;
        synchronized (this) {
            if (closed) {
                return null;
            }
            socket = ws;
            closed = true;
            open = false;
            lost = new ArrayList<>(pending.values());
            pending.clear();
        }
        lost.forEach(p -> p.connectionLost("the client was closed"));
        changeState(ConnectionState.CLOSED);
        return socket;
    }

    synchronized boolean closed() {
        return closed;
    }

    // ------------------------------------------------------------------ connection events

    @Override
    public void onOpen(WebSocket ws) {
        opened(ws);
    }

    @Override
    public void onReconnected(WebSocket ws) {
        opened(ws);
    }

    /** A connection is open (the first or a later one): subscribe every tracked topic from its position. */
    private void opened(WebSocket socket) {
        synchronized (this) {
            if (closed) {
                return;
            }
            ws = socket;
            open = true;
            for (Subscription s : topics.values()) {
                s.confirmed = false;
                sendSubscribe(s);
            }
        }
        changeState(ConnectionState.OPEN);
        firstOpen.complete(null);
    }

    /**
     * Completes when the first connection has been set up here: the reconnecting socket completes
     * its own future before it calls {@link #onOpen}, so that one alone would be too early.
     */
    CompletableFuture<Void> firstOpen() {
        return firstOpen;
    }

    @Override
    public void onClose(WebSocket socket, int code, String reason, boolean wasClean) {
        List<Pending> lost;
        boolean userClosed;
        synchronized (this) {
            open = false;
            userClosed = closed;
            lost = new ArrayList<>(pending.values());
            pending.clear();
            topics.values().forEach(s -> s.confirmed = false);
        }
        String why = "the connection closed (" + code + ")";
        lost.forEach(p -> p.connectionLost(why));
        if (userClosed) {
            return;
        }
        LOG.log(Level.DEBUG, "topics connection closed: {0} {1}", code, reason);
        if (ReconnectPolicy.retriesClose(code)) {
            changeState(ConnectionState.RECONNECTING);
        } else {
            changeState(ConnectionState.CLOSED);
        }
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        LOG.log(Level.DEBUG, "topics connection error", error);
        if (socket.readyState() == io.duplex.ReadyState.CLOSED) {
            // The reconnecting socket gave up: no more attempts.
            changeState(ConnectionState.CLOSED);
        }
    }

    /** The first connection could not be made and retrying ended. */
    void gaveUp(Throwable error) {
        changeState(ConnectionState.CLOSED);
    }

    private void changeState(ConnectionState next) {
        synchronized (this) {
            if (state == next || (state == ConnectionState.CLOSED && closed)) {
                return;
            }
            state = next;
        }
        if (stateListener != null) {
            stateListener.accept(next);
        }
    }

    // ------------------------------------------------------------------ server messages

    @Override
    public void onText(WebSocket socket, String text) {
        ServerMessage message;
        try {
            message = ServerMessages.parse(text);
        } catch (RuntimeException e) {
            // A server bug: say so loudly, keep the connection (the next message may be fine).
            LOG.log(Level.WARNING, "unreadable message from the topics server: {0}", e.getMessage());
            return;
        }
        Replies.dispatch(this, message);
    }

    synchronized Pending take(Long id) {
        return id == null ? null : pending.remove(id);
    }

    /** The subscription whose stream a message of {@code topic} belongs to, after its answer; else null. */
    synchronized Subscription confirmed(String topic) {
        Subscription s = topics.get(topic);
        return s != null && s.confirmed ? s : null;
    }

    /** Records a subscribe answer; false when the subscription was ended meanwhile (a stale answer). */
    synchronized boolean confirm(Subscription s, Position position) {
        if (!s.active || topics.get(s.topic()) != s) {
            return false;
        }
        s.confirmed = true;
        s.retries = 0;
        s.position(position);
        return true;
    }

    /**
     * The server could not serve a subscribe now (UNAVAILABLE: it is starting, or its stream engine
     * is unreachable): it is sent again after {@code delayMillis}, on the connection open then, if
     * the subscription is still wanted and still unanswered. A new connection resubscribes anyway.
     */
    void retryLater(Subscription s, long delayMillis) {
        java.util.concurrent.CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> {
                    synchronized (this) {
                        if (!closed && open && s.active && !s.confirmed && topics.get(s.topic()) == s) {
                            s.retries++;
                            sendSubscribe(s);
                        }
                    }
                });
    }

    /** Forgets a subscription the server refused; false when it was ended meanwhile. */
    synchronized boolean refuse(Subscription s) {
        if (!s.active) {
            return false;
        }
        s.active = false;
        topics.remove(s.topic(), s);
        return true;
    }
}
