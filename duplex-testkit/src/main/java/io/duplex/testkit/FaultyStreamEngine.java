package io.duplex.testkit;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.InMemoryStreamEngine;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.StreamEngine;
import io.duplex.StreamError;
import io.duplex.StreamException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

/**
 * An in-memory {@link StreamEngine} with the faults of a real store, for tests of what subscribers
 * are told:
 *
 * <ul>
 *   <li>{@link #loseStore()} forgets every stream at once, as a Redis without persistence that
 *       restarts: the next publication of every topic starts a new epoch, and live subscribers
 *       see the epoch change;
 *   <li>{@link #loseLiveDeliveries(LongPredicate)} keeps publications whose offsets match from
 *       reaching this node live (they are still stored), as a node whose connection to the store
 *       dropped for a while;
 *   <li>{@link #refuseListens(boolean)} fails every listen with {@code UNAVAILABLE}, as a store
 *       that cannot be reached: subscribes are answered 5001 until it is lifted.
 * </ul>
 *
 * <p>Threading: safe from any thread, as its delegate; {@link #loseStore()} from the test thread
 * while nothing is being published.
 */
public final class FaultyStreamEngine implements StreamEngine {
    private final Set<String> listened = ConcurrentHashMap.newKeySet();
    private volatile InMemoryStreamEngine delegate = new InMemoryStreamEngine();
    private volatile Sink sink;
    private volatile LongPredicate lost = offset -> false;
    private volatile boolean refusing;
    private final AtomicInteger refused = new AtomicInteger();

    @Override
    public void start(Sink sink) {
        this.sink = p -> {
            if (!lost.test(p.offset())) {
                sink.onPublication(p);
            }
        };
        delegate.start(this.sink);
    }

    /** Forgets every stream; topics listened to stay listened to. */
    public void loseStore() {
        InMemoryStreamEngine fresh = new InMemoryStreamEngine();
        fresh.start(sink);
        for (String topic : listened) {
            fresh.listen(topic);
        }
        delegate = fresh;
    }

    /** From now on, publications whose offsets match do not reach this node live. */
    public void loseLiveDeliveries(LongPredicate offsets) {
        this.lost = offsets;
    }

    @Override
    public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
        return delegate.publish(topic, message, history);
    }

    @Override
    public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
        return delegate.history(topic, query, history);
    }

    /** While on, every listen fails with {@code UNAVAILABLE}. */
    public void refuseListens(boolean on) {
        this.refusing = on;
    }

    /** Listens refused so far. */
    public int refusedListens() {
        return refused.get();
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        if (refusing) {
            refused.incrementAndGet();
            return CompletableFuture.failedFuture(new StreamException(StreamError.UNAVAILABLE, "store unreachable"));
        }
        listened.add(topic);
        return delegate.listen(topic);
    }

    @Override
    public void unlisten(String topic) {
        listened.remove(topic);
        delegate.unlisten(topic);
    }
}
