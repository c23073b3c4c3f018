package io.duplex;

import java.util.concurrent.CompletionStage;

/**
 * Where a server's streams live: positions, history, and delivery of publications to every server
 * node that listens to a topic. {@link InMemoryStreamEngine} serves one process; {@code
 * io.duplex.redis.RedisStreamEngine} (module duplex-redis) spans several nodes. The runtime ({@link
 * Streams}) owns connections, subscriptions, recovery and fan-out; the engine owns only the stream.
 *
 * <p>Contract, for every topic: {@link #publish} assigns the next offset of the current epoch,
 * stores the publication (when the topic has history) and hands it to the sink of every node that
 * listens to the topic — this node included — as one step: no node receives a publication that is
 * not stored, and none stored is withheld from a listening node that stays connected. Each sink
 * receives a topic's publications in offset order. A node that may have missed some (a lost
 * connection) needs do nothing special: the runtime sees the gap in offsets and reads history.
 *
 * <p>Threading: every method is safe from any thread and never blocks; results complete on the
 * engine's threads. The sink is called from the engine's threads, for one topic never concurrently.
 */
public interface StreamEngine extends AutoCloseable {

    /** Receives the publications of the topics this node listens to. */
    interface Sink {
        void onPublication(Publication publication);
    }

    /** Called once, before anything else, with the runtime's sink. */
    void start(Sink sink);

    /**
     * Publishes on {@code topic}; completes with the publication's position once it is stored (the
     * publish acknowledgement), or exceptionally with a {@link StreamException} ({@code
     * UNAVAILABLE} when the store cannot be reached: the publication was not stored or delivered —
     * unless the connection to the store was lost after the command left, when it may have been;
     * a retry is then at least once).
     */
    CompletionStage<Position> publish(String topic, PreparedMessage message, History history);

    /** Reads a page of history (or with limit 0 only the newest position). */
    CompletionStage<HistoryPage> history(String topic, HistoryQuery query, History history);

    /**
     * Starts delivering {@code topic}'s publications to the sink; completes once every
     * publication stored after completion is sure to reach it (e.g. the Redis SUBSCRIBE is
     * confirmed), so history read afterwards overlaps live delivery and nothing falls between.
     */
    CompletionStage<Void> listen(String topic);

    /** Stops delivering {@code topic} to this node. */
    void unlisten(String topic);

    @Override
    default void close() {}
}
