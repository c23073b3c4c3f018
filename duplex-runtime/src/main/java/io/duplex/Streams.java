package io.duplex;

import io.duplex.internal.StreamHub;
import io.duplex.internal.WebSocketImpl;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A server's topics as streams: every publication gets a {@link Position}; topics with {@link
 * History} keep their recent publications; a subscriber that gives the position it last saw
 * receives everything after it, in order, then the live publications — no gap and no duplicate —
 * or is told it was not recovered. Reached through {@link WebSocketServer#streams()}; positions
 * and history live in the server's {@link StreamEngine} (in memory by default; {@code
 * io.duplex.redis.RedisStreamEngine} across nodes).
 *
 * <p>What subscribers are sent is encoded by a {@link StreamCodec} (the wire protocol); module
 * duplex-topics has the documented JSON protocol, a server handler and clients that resume by
 * themselves.
 *
 * <p>Threading: safe from any thread; never blocks. Publications from one thread to one topic get
 * increasing offsets in call order (one engine, one node).
 */
public final class Streams {
    /** The longest topic name. */
    public static final int MAX_TOPIC_LENGTH = 256;

    private final StreamHub hub;
    private final int maxSubscriptionsPerSocket;
    private final int maxMessageSize;

    Streams(StreamHub hub, int maxSubscriptionsPerSocket, int maxMessageSize) {
        this.hub = hub;
        this.maxSubscriptionsPerSocket = maxSubscriptionsPerSocket;
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Publishes on {@code topic}: completes with the publication's position once the engine has
     * stored it (the publish acknowledgement) and handed it to every listening node; fails with a
     * {@link StreamException} ({@code BAD_TOPIC}, {@code TOO_LARGE}, {@code UNAVAILABLE}).
     */
    public CompletionStage<Position> publish(String topic, PreparedMessage message) {
        try {
            checkTopic(topic);
            if (message.size() > maxMessageSize) {
                throw new StreamException(
                        StreamError.TOO_LARGE, "publication of " + message.size() + " bytes over " + maxMessageSize);
            }
            return hub.engine().publish(topic, message, hub.history(topic));
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Publishes a text message (see {@link #publish(String, PreparedMessage)}). */
    public CompletionStage<Position> publish(String topic, CharSequence text) {
        return publish(topic, PreparedMessage.text(text));
    }

    /**
     * Reads a page of {@code topic}'s history; fails with {@code NO_HISTORY} when the topic keeps
     * none and the page asks for publications, {@code POSITION_AHEAD} for a position the topic
     * never reached. A position of another epoch reads from the oldest kept (its offsets mean
     * nothing in this epoch); compare the page's {@code latest} epoch to tell.
     */
    public CompletionStage<HistoryPage> history(String topic, HistoryQuery query) {
        try {
            checkTopic(topic);
            History history = hub.history(topic);
            if (!history.enabled() && query.limit() > 0) {
                throw new StreamException(StreamError.NO_HISTORY, "topic " + topic + " keeps no history");
            }
            Position since = query.since();
            return hub.engine().history(topic, query, history).thenApply(page -> {
                Position latest = page.latest();
                if (since != null && since.epoch().equals(latest.epoch()) && since.offset() > latest.offset()) {
                    throw new StreamException(
                            StreamError.POSITION_AHEAD, "position " + since + " is ahead of " + latest);
                }
                return page;
            });
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Subscribes a server-side socket to {@code topic}'s stream. The socket is sent, through
     * {@code codec}, one {@link StreamCodec#subscribed} answer, then — when {@code since} is given
     * and can be recovered — every publication after it, then the live ones. Completes with the
     * answer once it is queued; fails with a {@link StreamException} ({@code BAD_TOPIC}, {@code
     * ALREADY_SUBSCRIBED}, {@code TOO_MANY_SUBSCRIPTIONS}, {@code POSITION_AHEAD}, {@code
     * UNAVAILABLE}), in which case nothing was sent and the socket is not subscribed.
     *
     * <p>A subscriber that cannot take a publication (over its outbound limit) is closed with
     * 1013 (Try Again Later), whatever the slow-consumer policy: it must not miss one unknowingly, and its client
     * resumes from its last position.
     *
     * @param since the last position the subscriber saw, or null for live publications only
     */
    public CompletionStage<Subscribed> subscribe(WebSocket ws, String topic, Position since, StreamCodec codec) {
        Objects.requireNonNull(codec, "codec");
        try {
            checkTopic(topic);
            return hub.subscribe(impl(ws), topic, since, codec, maxSubscriptionsPerSocket);
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A page of {@code topic}'s members (its stream subscribers, on every node); {@code cursor}
     * null for the first page, else the previous page's. Fails with {@code NO_PRESENCE} when the
     * topic has no presence, {@code BAD_REQUEST} for a limit outside 1..{@value
     * PresencePage#MAX_LIMIT}.
     */
    public CompletionStage<PresencePage> presence(String topic, String cursor, int limit) {
        try {
            requirePresence(topic);
            if (limit < 1 || limit > PresencePage.MAX_LIMIT) {
                throw new StreamException(
                        StreamError.BAD_REQUEST, "presence limit must be 1.." + PresencePage.MAX_LIMIT);
            }
            return hub.presenceEngine().members(topic, cursor, limit);
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How many connections and distinct users are present on {@code topic} (no member list). */
    public CompletionStage<PresenceStats> presenceStats(String topic) {
        try {
            requirePresence(topic);
            return hub.presenceEngine().stats(topic);
        } catch (StreamException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The presence options of {@code topic}, or null when it has none. */
    public PresenceOptions presenceOf(String topic) {
        return hub.presence(topic);
    }

    private void requirePresence(String topic) {
        checkTopic(topic);
        if (hub.presence(topic) == null) {
            throw new StreamException(StreamError.NO_PRESENCE, "topic " + topic + " has no presence");
        }
    }

    /** Ends {@code ws}'s subscription to {@code topic}; false if it had none. */
    public boolean unsubscribe(WebSocket ws, String topic) {
        return hub.unsubscribe(impl(ws), topic);
    }

    /** The topics {@code ws} subscribed to as streams. */
    public Set<String> subscriptions(WebSocket ws) {
        return hub.topicsOf(impl(ws));
    }

    /** Stream subscribers of {@code topic} on this node. */
    public int subscriberCount(String topic) {
        return hub.subscriberCount(topic);
    }

    /** The history options that apply to {@code topic}. */
    public History historyOf(String topic) {
        return hub.history(topic);
    }

    /** The engine that holds positions and history. */
    public StreamEngine engine() {
        return hub.engine();
    }

    /** The most stream subscriptions one socket may hold. */
    public int maxSubscriptionsPerSocket() {
        return maxSubscriptionsPerSocket;
    }

    /**
     * Checks a topic name: 1 to {@value #MAX_TOPIC_LENGTH} characters of letters, digits and {@code
     * _ - . : / @ #}; throws {@code BAD_TOPIC} otherwise. The grammar keeps names safe to log, to
     * use as Redis keys and in URLs.
     */
    public static void checkTopic(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new StreamException(StreamError.BAD_TOPIC, "topic must be 1-" + MAX_TOPIC_LENGTH + " characters");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-'
                    || c == '.'
                    || c == ':'
                    || c == '/'
                    || c == '@'
                    || c == '#';
            if (!ok) {
                throw new StreamException(
                        StreamError.BAD_TOPIC, "topic may hold only letters, digits and _ - . : / @ #");
            }
        }
    }

    private static WebSocketImpl impl(WebSocket ws) {
        if (ws instanceof WebSocketImpl impl && impl.isServerSide()) {
            return impl;
        }
        throw new IllegalArgumentException("only server-side sockets of this server can subscribe");
    }
}
