package io.duplex.examples.chat;

import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.Position;
import io.duplex.Publication;
import io.duplex.ReadyState;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.Streams;
import io.duplex.WebSocket;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The rooms' messages as the server's streams (one topic per room, {@link ChatCodec#topic}): what
 * is said is published there, members are subscribed with the position their page last saw, and
 * a page that cannot be caught up is sent a {@code history} to start again from. The streams
 * (engine and {@code History}) are the server's; this class only speaks the chat protocol over
 * them, so with a shared engine every instance serves the same history.
 *
 * <p>Threading: safe from any thread; never blocks. Completions run on the engine's threads or on
 * the socket's event loop, and only send.
 */
final class ChatStreams {
    private static final System.Logger LOG = System.getLogger(ChatStreams.class.getName());

    /** The first retry of a subscribe the engine could not serve; doubles up to the maximum. */
    static final long FIRST_RETRY_MILLIS = 250;

    static final long MAX_RETRY_MILLIS = 5_000;

    /** A member of a room, for its subscribe attempts. */
    private record Member(WebSocket ws, String room) {}

    private final ChatCodec codec = new ChatCodec();
    /** Members whose subscribe is in progress (retried while the engine is unavailable). */
    private final Map<Member, Object> following = new ConcurrentHashMap<>();

    private final int historySize;
    private volatile Streams streams;

    ChatStreams(int historySize) {
        this.historySize = historySize;
    }

    /** The server's streams, once it has started (the server object does not exist before). */
    void bind(Streams streams) {
        this.streams = streams;
    }

    /** Throws {@code unavailable} when the streams are not bound yet (see {@link #streams()}). */
    void checkReady() throws ChatException {
        streams();
    }

    private Streams streams() throws ChatException {
        Streams s = streams;
        if (s == null) {
            // Only in the instant between the server starting to accept and ChatServer binding this.
            throw new ChatException(ErrorCode.UNAVAILABLE, "the server is starting; try again");
        }
        return s;
    }

    /** Publishes {@code line} on its room's stream; a failure is reported to {@code sender}. */
    void publish(ChatLine line, WebSocket sender) throws ChatException {
        streams().publish(ChatCodec.topic(line.room()), line.toPayload()).whenComplete((position, e) -> {
            if (e != null) {
                // Not stored, so delivered to no one: the sender must know its words were lost.
                LOG.log(Level.WARNING, "publish on " + line.room() + " failed", e);
                sender.send(ServerMessages.error(ErrorCode.UNAVAILABLE, "the message could not be sent; try again"));
            }
        });
    }

    /**
     * Subscribes {@code ws} to {@code room}'s stream from {@code since} (null: a fresh join). The
     * codec sends {@code subscribed} and, when recovered, the missed messages; a fresh or
     * unrecoverable join is then sent a {@code history} that ends where the subscription starts.
     * {@code answered} runs once the subscription is answered (and that history sent): the member
     * is then in the room's presence, or about to be.
     */
    void subscribe(WebSocket ws, String room, Position since, Runnable answered) throws ChatException {
        Streams s = streams();
        String topic = ChatCodec.topic(room);
        // Joining the room it is in again (a page repeating its join): start the stream afresh.
        s.unsubscribe(ws, topic);
        Object attempt = new Object();
        following.put(new Member(ws, room), attempt);
        subscribe(s, ws, room, since, attempt, 1, answered);
    }

    /**
     * One attempt. While the engine is unavailable (e.g. Redis down) the member stays in the room,
     * so it is told once and the subscribe is tried again, with backoff, until it succeeds or the
     * member leaves: a member must never sit in a room silently missing its messages.
     */
    private void subscribe(
            Streams s, WebSocket ws, String room, Position since, Object attempt, int n, Runnable answered) {
        Member member = new Member(ws, room);
        s.subscribe(ws, ChatCodec.topic(room), since, codec).whenComplete((answer, e) -> {
            if (following.get(member) != attempt) {
                return; // left the room, or joined it again: that join has its own attempts
            }
            if (e == null) {
                following.remove(member, attempt);
                if (since == null || !answer.recovered()) {
                    sendHistory(ws, room, HistoryQuery.since(start(answer.position()), historySize), false, answered);
                } else {
                    answered.run();
                }
                return;
            }
            if (error(e) != StreamError.UNAVAILABLE || ws.readyState() != ReadyState.OPEN) {
                following.remove(member, attempt);
                refuse(ws, e);
                return;
            }
            if (n == 1) {
                refuse(ws, e); // "unavailable": the page shows it; the messages follow once back
            }
            long delay = ThreadLocalRandom.current().nextLong(1, retryDelayMillis(n) + 1); // full jitter
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                    .execute(() -> subscribe(s, ws, room, since, attempt, n + 1, answered));
        });
    }

    private static long retryDelayMillis(int attempt) {
        return Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt - 1, 10));
    }

    /** Ends {@code ws}'s subscription to {@code room}'s stream, if any, and any retry of it. */
    void unsubscribe(WebSocket ws, String room) {
        following.remove(new Member(ws, room));
        Streams s = streams;
        if (s != null) {
            s.unsubscribe(ws, ChatCodec.topic(room));
        }
    }

    private static StreamError error(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof StreamException se ? se.error() : null;
    }

    /** Sends the newest {@code historySize} messages of {@code room} (a page reloading). */
    void sendNewest(WebSocket ws, String room) throws ChatException {
        streams();
        sendHistory(ws, room, HistoryQuery.newest(historySize), true, () -> {});
    }

    /** Where a history page must start to end at {@code end}, {@code historySize} at most. */
    private Position start(Position end) {
        return new Position(end.epoch(), Math.max(0, end.offset() - historySize));
    }

    private void sendHistory(WebSocket ws, String room, HistoryQuery query, boolean reversed, Runnable then) {
        if (historySize == 0) {
            ws.send(ServerMessages.history(room, List.of()));
            then.run();
            return;
        }
        CompletionStage<HistoryPage> read = streams.history(ChatCodec.topic(room), query);
        read.whenComplete((page, e) -> {
            if (e != null) {
                refuse(ws, e);
                then.run(); // the member is in the room all the same
                return;
            }
            List<Publication> list = page.publications();
            if (reversed) {
                list = new ArrayList<>(list);
                Collections.reverse(list);
            }
            ws.send(ServerMessages.history(room, list));
            then.run();
        });
    }

    /** Tells {@code ws} why a stream operation failed, unless nobody is left to tell. */
    private static void refuse(WebSocket ws, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        StreamError error = cause instanceof StreamException se ? se.error() : null;
        if (error == StreamError.NOT_SUBSCRIBED || ws.readyState() != ReadyState.OPEN) {
            return; // the member left or the page went away before the answer: nothing to say
        }
        if (error == StreamError.POSITION_AHEAD) {
            ws.send(ServerMessages.error(
                    ErrorCode.BAD_POSITION, "that position was never handed out; join without it"));
            return;
        }
        LOG.log(Level.WARNING, "stream operation failed", cause);
        ws.send(ServerMessages.error(ErrorCode.UNAVAILABLE, "the room's messages are unavailable; try again"));
    }
}
