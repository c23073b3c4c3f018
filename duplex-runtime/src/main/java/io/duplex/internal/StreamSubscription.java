package io.duplex.internal;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.Member;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.PresenceEvent;
import io.duplex.Publication;
import io.duplex.StreamCodec;
import io.duplex.StreamError;
import io.duplex.StreamException;
import io.duplex.Subscribed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One socket's subscription to one topic's stream, keeping what the subscriber is sent whole: one
 * {@code subscribed} answer, then publications with consecutive offsets, or an {@code interrupted}
 * notice in place of what cannot be delivered — never a silent gap, never a duplicate.
 *
 * <p>States: RECOVERING (live publications are buffered while history is read: at the start, and
 * after a gap in live offsets, e.g. publications the engine could not hand to this node while its
 * connection to the store was down), LIVE, ENDED. History and live delivery overlap on purpose;
 * merging by offset removes the overlap.
 *
 * <p>Threading: confined to the socket's event loop, except {@link #end} and {@link #result}.
 */
final class StreamSubscription {
    /** Live publications buffered while history is read; beyond this, they are read again instead. */
    static final int BUFFER_LIMIT = 4096;
    /** Delay before reading history again after the engine failed to answer. */
    static final long RETRY_MILLIS = 1000;

    private enum State {
        RECOVERING,
        LIVE,
        ENDED
    }

    private final StreamHub hub;
    private final WebSocketImpl ws;
    private final String topic;
    private final StreamCodec codec;
    private final History history;
    private final CompletableFuture<Subscribed> result = new CompletableFuture<>();
    /** This subscriber as a member of the topic's presence, or null without presence. */
    private final Member member;

    private State state = State.RECOVERING;
    /** The last position the subscriber was told of (null before the answer). */
    private Position position;

    private ArrayList<StreamHub.Delivery> buffer = new ArrayList<>();
    private boolean overflowed;

    StreamSubscription(
            StreamHub hub, WebSocketImpl ws, String topic, StreamCodec codec, History history, Member member) {
        this.member = member;
        this.hub = hub;
        this.ws = ws;
        this.topic = topic;
        this.codec = codec;
        this.history = history;
    }

    String topic() {
        return topic;
    }

    EventLoop loop() {
        return ws.loop();
    }

    CompletableFuture<Subscribed> result() {
        return result;
    }

    Member member() {
        return member;
    }

    /** A presence event of the topic: sent once the subscription is answered, never before. */
    void presence(PresenceEvent e) {
        if (state != State.ENDED && result.isDone() && !result.isCompletedExceptionally()) {
            send(codec.presence(e));
        }
    }

    // ------------------------------------------------------------------ loop

    /** A live publication of the topic. */
    void offer(StreamHub.Delivery d) {
        switch (state) {
            case LIVE -> live(d);
            case RECOVERING -> {
                if (buffer.size() < BUFFER_LIMIT) {
                    buffer.add(d);
                } else {
                    // Bounded: drop the buffer and read these publications from history instead.
                    buffer.clear();
                    overflowed = true;
                }
            }
            case ENDED -> {}
        }
    }

    /** The first history read came back: answer the subscribe, replay what was missed, go live. */
    void answer(Position since, HistoryPage page) {
        if (state == State.ENDED) {
            return;
        }
        Position latest = page.latest();
        if (since != null && since.epoch().equals(latest.epoch()) && since.offset() > latest.offset()) {
            // Never handed out: a client's bug or a forgery; refused, and nothing else changes.
            failed(new StreamException(
                    StreamError.POSITION_AHEAD, "position " + since + " is ahead of the newest publication " + latest));
            return;
        }
        List<Publication> replay = since == null ? List.of() : missed(since, page);
        boolean recovered = replay != null;
        // Recovered: everything up to the newest position is sent before the live ones (read on
        // past this page when it is shorter than what was missed).
        int replayed = recovered && since != null ? (int) (latest.offset() - since.offset()) : 0;
        Subscribed answer = new Subscribed(topic, recovered, latest, replayed);
        position = recovered && since != null ? since : latest;
        if (!send(codec.subscribed(answer))) {
            result.completeExceptionally(new StreamException(StreamError.UNAVAILABLE, "connection closed"));
            return;
        }
        if (recovered && !replay(replay)) {
            return;
        }
        result.complete(answer);
        readOnOrGoLive(latest);
    }

    /** A catch-up read after a gap came back. */
    private void caughtUp(Position from, HistoryPage page) {
        if (state != State.RECOVERING) {
            return;
        }
        List<Publication> replay = missed(from, page);
        if (replay == null) {
            // Not recoverable (see missed): say so, then go on from the newest position.
            if (!send(codec.interrupted(topic, page.latest()))) {
                return;
            }
            position = page.latest();
        } else if (!replay(replay)) {
            return;
        }
        readOnOrGoLive(page.latest());
    }

    /**
     * After a replay: a page holds at most {@link HistoryQuery#MAX_LIMIT} publications, fewer than
     * a large recovery cap allows, so read on until the newest position the read saw; then live.
     */
    private void readOnOrGoLive(Position latest) {
        if (position.epoch().equals(latest.epoch()) && position.offset() < latest.offset()) {
            catchUp(position);
        } else {
            goLive();
        }
    }

    /** The engine failed to answer: refuse the subscribe, or (catching up) try again later. */
    void failed(Throwable e) {
        if (state == State.ENDED) {
            return;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (position == null) {
            result.completeExceptionally(
                    cause instanceof StreamException
                            ? cause
                            : new StreamException(StreamError.UNAVAILABLE, "history unavailable: " + cause, cause));
            end();
            return;
        }
        Position from = position;
        ws.loop().schedule(() -> catchUp(from), TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
    }

    private void live(StreamHub.Delivery d) {
        Publication p = d.publication;
        if (!p.position().epoch().equals(position.epoch())) {
            // The engine lost the stream (a restart without persistence, expiry): tell, then follow
            // the new epoch from this publication on.
            Position before = new Position(p.position().epoch(), p.offset() - 1);
            if (!send(codec.interrupted(topic, before))) {
                return;
            }
            position = before;
        }
        long next = position.offset() + 1;
        if (p.offset() < next) {
            return; // delivered already (history and live overlap)
        }
        if (p.offset() == next) {
            if (send(d.encoded(codec))) {
                position = p.position();
            }
            return;
        }
        // A gap: publications this node did not receive live. Read them, buffering meanwhile.
        state = State.RECOVERING;
        buffer.add(d);
        catchUp(position);
    }

    private void catchUp(Position from) {
        if (state != State.RECOVERING) {
            return;
        }
        hub.read(topic, HistoryQuery.since(from, StreamHub.recoveryLimit(history)), history)
                .whenComplete((page, e) -> ws.loop().execute(() -> {
                    if (e != null) {
                        failed(e);
                    } else {
                        caughtUp(from, page);
                    }
                }));
    }

    private void goLive() {
        state = State.LIVE;
        ArrayList<StreamHub.Delivery> pending = buffer;
        buffer = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            offer(pending.get(i));
        }
        if (overflowed && state == State.LIVE) {
            overflowed = false;
            state = State.RECOVERING;
            catchUp(position);
        }
    }

    /** Sends missed publications in order; false if the connection failed on the way. */
    private boolean replay(List<Publication> replay) {
        for (Publication p : replay) {
            if (!send(codec.publication(p))) {
                return false;
            }
            position = p.position();
        }
        return true;
    }

    /**
     * The publications after {@code from} that {@code page} holds, when they are all of them;
     * null when they cannot be delivered whole (another epoch, fallen out of history, more than
     * the recovery cap).
     */
    private List<Publication> missed(Position from, HistoryPage page) {
        Position latest = page.latest();
        if (!from.epoch().equals(latest.epoch())) {
            return null;
        }
        long missed = latest.offset() - from.offset();
        if (missed == 0) {
            return List.of();
        }
        if (missed < 0 || missed > history.maxRecovery()) {
            return null;
        }
        List<Publication> pubs = page.publications();
        if (pubs.isEmpty() || pubs.get(0).offset() != from.offset() + 1) {
            return null;
        }
        return pubs;
    }

    /** Sends, or ends the subscription when the connection failed (see {@link WebSocketImpl#deliverInOrder}). */
    private boolean send(PreparedMessage m) {
        if (m == null || ws.deliverInOrder(m)) { // null: the codec sends nothing for this
            return true;
        }
        end();
        return false;
    }

    // ------------------------------------------------------------------ any thread

    /** Ends the subscription (unsubscribe, socket closed); once. */
    void end() {
        if (ws.loop().inLoop()) {
            endOnLoop();
        } else {
            ws.loop().execute(this::endOnLoop);
        }
    }

    private void endOnLoop() {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        buffer = new ArrayList<>(0);
        ws.streamSubscriptions().remove(this);
        hub.remove(this);
        if (!result.isDone()) {
            result.completeExceptionally(new StreamException(StreamError.NOT_SUBSCRIBED, "unsubscribed"));
        }
    }
}
