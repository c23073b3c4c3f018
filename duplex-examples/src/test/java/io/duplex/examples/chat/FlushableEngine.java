package io.duplex.examples.chat;

import io.duplex.History;
import io.duplex.HistoryPage;
import io.duplex.HistoryQuery;
import io.duplex.InMemoryStreamEngine;
import io.duplex.Position;
import io.duplex.PreparedMessage;
import io.duplex.StreamEngine;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory stream engine whose store can be lost while the server runs, as a Redis without
 * persistence that restarts: {@link #flush()} swaps in a fresh {@link InMemoryStreamEngine}, so
 * the next publication of every topic starts a new epoch and live subscribers see the epoch
 * change.
 *
 * <p>Threading: safe from any thread, as its delegate; {@link #flush()} from the test thread while
 * nothing is being published.
 */
final class FlushableEngine implements StreamEngine {
    private final Set<String> listened = ConcurrentHashMap.newKeySet();
    private volatile InMemoryStreamEngine delegate = new InMemoryStreamEngine();
    private volatile Sink sink;

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        delegate.start(sink);
    }

    /** Forgets every stream; topics listened to stay listened to. */
    void flush() {
        InMemoryStreamEngine fresh = new InMemoryStreamEngine();
        fresh.start(sink);
        for (String topic : listened) {
            fresh.listen(topic);
        }
        delegate = fresh;
    }

    @Override
    public CompletionStage<Position> publish(String topic, PreparedMessage message, History history) {
        return delegate.publish(topic, message, history);
    }

    @Override
    public CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history) {
        return delegate.history(topic, query, history);
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        listened.add(topic);
        return delegate.listen(topic);
    }

    @Override
    public void unlisten(String topic) {
        listened.remove(topic);
        delegate.unlisten(topic);
    }
}
