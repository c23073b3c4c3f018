package io.duplex.topics;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.HistoryQuery;
import io.duplex.PreparedMessage;
import io.duplex.PresenceOptions;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.Streams;
import io.duplex.Upgrader;
import io.duplex.WebSocket;
import io.duplex.WebSocketHandler;
import io.duplex.WebSocketServer;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the topics wire protocol, version 1, on a server's {@link Streams}: each text message is
 * a JSON request (subscribe, unsubscribe, publish, history, presence, presence_stats, ping)
 * answered as the protocol says; bad input is answered with an {@code error} (a stable code, its
 * name and a message) and never closes the connection.
 *
 * <p>Presence: a subscriber of a topic with presence ({@code WebSocketServer.Builder.presence}) is
 * one of its members; a subscribe with {@code "presence": true} is also sent the topic's join and
 * leave events. Who a member is comes from the server's {@code presenceIdentity}, which the
 * application sets (e.g. from what its {@link Upgrader} attached); this handler takes no identity
 * from clients.
 *
 * <p>The handler is routed before the server exists, so it is bound to the server's streams once
 * the server has started:
 *
 * <pre>{@code
 * TopicsHandler topics = TopicsHandler.builder().policy(myPolicy).build();
 * WebSocketServer server = WebSocketServer.builder()
 *         .history("chat.*", History.of(1000, Duration.ofMinutes(10)))
 *         .route("/topics", topics, TopicsHandler.upgrader())
 *         .start();
 * topics.bind(server);
 * }</pre>
 *
 * Until it is bound, requests on topics are answered with {@code UNAVAILABLE} (retry later). A
 * handler whose streams are known already is built bound: {@code builder().streams(streams)}.
 *
 * <p>Publishing stores the request's {@code data} member as compact JSON text, so subscribers of
 * any codec see the JSON; subscribers get publications through one shared {@link TopicsCodec}.
 *
 * <p>Threading: one handler serves every connection; callbacks for one connection never overlap
 * (the runtime's rule) and state per connection is thread-safe, so a handler executor is fine.
 * Replies are sent from the handler's thread or from the event loop that completes a stream
 * operation; the {@link TopicsPolicy} is called on the handler's thread.
 */
public final class TopicsHandler implements WebSocketHandler {
    /** The subprotocol of version 1 ({@code Sec-WebSocket-Protocol}). */
    public static final String SUBPROTOCOL = "duplex.topics.v1";

    private static final System.Logger LOG = System.getLogger(TopicsHandler.class.getName());

    private final TopicsPolicy policy;
    private final int maxPublication;
    private final TopicsCodec codec = new TopicsCodec();
    private final Map<WebSocket, RequestQueue> connections = new ConcurrentHashMap<>();
    private volatile Streams streams;

    private TopicsHandler(Builder b) {
        this.policy = b.policy;
        this.maxPublication = b.maxPublication;
        this.streams = b.streams;
    }

    /** A builder: policy, publication size limit, streams. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The upgrader of a topics route: selects {@value #SUBPROTOCOL} when the client offers it,
     * serves a client that offers no subprotocol, refuses one that offers only others with 400.
     */
    public static Upgrader upgrader() {
        return new SubprotocolSelection(Upgrader.acceptAll());
    }

    /** {@link #upgrader()} in front of the application's own (authentication). */
    public static Upgrader upgrader(Upgrader next) {
        return new SubprotocolSelection(Objects.requireNonNull(next, "next"));
    }

    /** Binds the handler to {@code server}'s streams; returns this handler. */
    public TopicsHandler bind(WebSocketServer server) {
        return bind(server.streams());
    }

    /**
     * Binds the handler to {@code streams}; returns this handler.
     *
     * @throws IllegalStateException if it is bound to other streams already
     */
    public synchronized TopicsHandler bind(Streams streams) {
        Objects.requireNonNull(streams, "streams");
        if (this.streams != null && this.streams != streams) {
            throw new IllegalStateException("a TopicsHandler serves one server's streams");
        }
        this.streams = streams;
        return this;
    }

    /** The codec subscribers of this handler are sent publications with. */
    public TopicsCodec codec() {
        return codec;
    }

    @Override
    public void onOpen(WebSocket ws) {
        connections.put(ws, new RequestQueue(r -> answer(ws, r)));
    }

    @Override
    public void onText(WebSocket ws, String text) {
        accept(ws, RequestParser.parse(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        accept(ws, new Request.Refused(null, StreamError.BAD_MESSAGE, "messages are JSON text frames, not binary"));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean wasClean) {
        RequestQueue q = connections.remove(ws);
        if (q != null) {
            q.close();
        }
    }

    private void accept(WebSocket ws, Request r) {
        RequestQueue q = connections.get(ws);
        if (q != null && !q.offer(r)) {
            // Not bad input but flooding without reading replies: as for a slow consumer.
            ws.close(1008, "too many requests waiting for their reply");
        }
    }

    // ------------------------------------------------------------------ requests

    /** Answers one request; completes when the next may be processed. Never throws. */
    private CompletionStage<?> answer(WebSocket ws, Request r) {
        try {
            if (r instanceof Request.Refused x) {
                return error(ws, x.id(), x.error(), x.message());
            }
            if (r instanceof Request.Ping p) {
                ws.send(codec.pong(p.id()));
                return done();
            }
            Streams s = streams;
            if (s == null) {
                return error(ws, r.id(), StreamError.UNAVAILABLE, "the server is starting; retry later");
            }
            if (r instanceof Request.Subscribe sub) {
                return subscribe(ws, s, sub);
            }
            if (r instanceof Request.Unsubscribe u) {
                return unsubscribe(ws, s, u);
            }
            if (r instanceof Request.Publish p) {
                return publish(ws, s, p);
            }
            if (r instanceof Request.ReadPresence p) {
                return presence(ws, s, p);
            }
            if (r instanceof Request.ReadPresenceStats p) {
                return presenceStats(ws, s, p);
            }
            return history(ws, s, (Request.ReadHistory) r);
        } catch (RuntimeException e) {
            return failed(ws, r.id(), e);
        }
    }

    private CompletionStage<?> subscribe(WebSocket ws, Streams s, Request.Subscribe r) {
        if (!policy.allows(ws, TopicsPolicy.Access.READ, r.topic())) {
            return forbidden(ws, r.id(), "subscribe to " + r.topic());
        }
        // The subscribed answer and what follows are sent by the runtime, through a codec that
        // carries this request's id; only a refusal is ours to send.
        PresenceOptions presence = s.presenceOf(r.topic());
        // Asked for, but the topic has no events (none, or turned off): accepted, nothing is sent.
        boolean events = r.presence() && presence != null && presence.events();
        return s.subscribe(ws, r.topic(), r.since(), new SubscriberCodec(codec, r.id(), events))
                .handle((ok, e) -> e == null ? null : failed(ws, r.id(), e));
    }

    private CompletionStage<?> unsubscribe(WebSocket ws, Streams s, Request.Unsubscribe r) {
        if (!s.unsubscribe(ws, r.topic())) {
            return error(ws, r.id(), StreamError.NOT_SUBSCRIBED, "not subscribed to " + r.topic());
        }
        ws.send(codec.unsubscribed(r.id(), r.topic()));
        return done();
    }

    private CompletionStage<?> publish(WebSocket ws, Streams s, Request.Publish r) {
        if (!policy.allows(ws, TopicsPolicy.Access.PUBLISH, r.topic())) {
            return forbidden(ws, r.id(), "publish on " + r.topic());
        }
        PreparedMessage message = PreparedMessage.text(r.data());
        if (message.size() > maxPublication) {
            return error(
                    ws,
                    r.id(),
                    StreamError.TOO_LARGE,
                    "publication of " + message.size() + " bytes over " + maxPublication);
        }
        s.publish(r.topic(), message).whenComplete((position, e) -> {
            if (e == null) {
                ws.send(codec.published(r.id(), r.topic(), position));
            } else {
                failed(ws, r.id(), e);
            }
        });
        // The acknowledgement may follow replies to later requests (the protocol allows it).
        return done();
    }

    private CompletionStage<?> history(WebSocket ws, Streams s, Request.ReadHistory r) {
        if (!policy.allows(ws, TopicsPolicy.Access.READ, r.topic())) {
            return forbidden(ws, r.id(), "read the history of " + r.topic());
        }
        return s.history(r.topic(), new HistoryQuery(r.since(), r.limit(), r.reverse()))
                .handle((page, e) -> {
                    if (e == null) {
                        ws.send(codec.history(r.id(), r.topic(), page));
                        return null;
                    }
                    return failed(ws, r.id(), e);
                });
    }

    /** Who is present is read access, as for history: the same policy question. */
    private CompletionStage<?> presence(WebSocket ws, Streams s, Request.ReadPresence r) {
        if (!policy.allows(ws, TopicsPolicy.Access.READ, r.topic())) {
            return forbidden(ws, r.id(), "read the presence of " + r.topic());
        }
        return s.presence(r.topic(), r.cursor(), r.limit()).handle((page, e) -> {
            if (e == null) {
                ws.send(codec.presencePage(r.id(), r.topic(), page));
                return null;
            }
            return failed(ws, r.id(), e);
        });
    }

    private CompletionStage<?> presenceStats(WebSocket ws, Streams s, Request.ReadPresenceStats r) {
        if (!policy.allows(ws, TopicsPolicy.Access.READ, r.topic())) {
            return forbidden(ws, r.id(), "read the presence of " + r.topic());
        }
        return s.presenceStats(r.topic()).handle((stats, e) -> {
            if (e == null) {
                ws.send(codec.presenceStats(r.id(), r.topic(), stats));
                return null;
            }
            return failed(ws, r.id(), e);
        });
    }

    // ------------------------------------------------------------------ replies

    private CompletionStage<?> forbidden(WebSocket ws, JsonNode id, String what) {
        return error(ws, id, StreamError.FORBIDDEN, "not allowed to " + what);
    }

    private CompletionStage<?> error(WebSocket ws, JsonNode id, StreamError error, String message) {
        ws.send(codec.error(id, error, message));
        return done();
    }

    /** A failed stream operation: its stable code, or UNAVAILABLE (details logged, not sent). */
    private CompletionStage<?> failed(WebSocket ws, JsonNode id, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof StreamException se) {
            return error(ws, id, se.error(), se.getMessage());
        }
        LOG.log(Level.WARNING, "topics request failed", cause);
        return error(ws, id, StreamError.UNAVAILABLE, "the server could not answer; retry later");
    }

    private static CompletionStage<?> done() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Builds a {@link TopicsHandler}.
     *
     * <p>Threading: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private TopicsPolicy policy = TopicsPolicy.allowAll();
        private int maxPublication = Integer.MAX_VALUE;
        private Streams streams;

        private Builder() {}

        /** Who may subscribe, read history and publish on which topic (default: everyone). */
        public Builder policy(TopicsPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The largest {@code data} a client may publish, in bytes of its JSON text (default: the
         * server's message limit, which the streams apply anyway); larger ones get {@code
         * TOO_LARGE}.
         */
        public Builder maxPublication(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxPublication must be >= 1");
            }
            this.maxPublication = bytes;
            return this;
        }

        /** The streams to serve, when they exist already (otherwise {@link TopicsHandler#bind}). */
        public Builder streams(Streams streams) {
            this.streams = Objects.requireNonNull(streams, "streams");
            return this;
        }

        public TopicsHandler build() {
            return new TopicsHandler(this);
        }
    }
}
