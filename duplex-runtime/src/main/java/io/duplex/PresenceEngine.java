package io.duplex;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where a server's presence lives: the members of each topic across every node, and their join and
 * leave events. {@link InMemoryPresenceEngine} serves one process; {@code
 * io.duplex.redis.RedisPresenceEngine} (module duplex-redis) spans nodes. The runtime ({@link
 * Streams}) joins a stream subscriber of a topic with presence, leaves it when the subscription
 * ends, and hands events to the subscribers that asked.
 *
 * <p>Contract: {@link #join} and {@link #leave} are idempotent per client id; every join and leave
 * is handed to the sink of every node that listens to the topic (this node included), a topic's
 * events in the order the engine applied them; a member whose node stops refreshing it (crashed)
 * is removed and its leave event emitted within {@link #expiry()}; {@code user} in an event is true
 * exactly for a user's first join and last leave.
 *
 * <p>Threading: every method is safe from any thread and never blocks; results complete on the
 * engine's threads. The sink is called from the engine's threads, for one topic never concurrently.
 */
public interface PresenceEngine extends AutoCloseable {

    /** Receives the presence events of the topics this node listens to. */
    interface Sink {
        void onPresence(PresenceEvent event);
    }

    /** Called once, before anything else, with the runtime's sink. */
    void start(Sink sink);

    /** Adds (or refreshes) a member; completes once it is visible to every node. */
    CompletionStage<Void> join(String topic, Member member);

    /** Removes a member (no-op if absent). */
    CompletionStage<Void> leave(String topic, String clientId);

    /** A page of members: {@code cursor} null for the first page, else the previous page's cursor. */
    CompletionStage<PresencePage> members(String topic, String cursor, int limit);

    /** Connection and user counts, without the member list. */
    CompletionStage<PresenceStats> stats(String topic);

    /** Starts handing {@code topic}'s events to the sink; completes once they are sure to arrive. */
    CompletionStage<Void> listen(String topic);

    /** Stops handing {@code topic}'s events to this node. */
    void unlisten(String topic);

    /** The bound on how long a crashed node's members stay present. */
    Duration expiry();

    @Override
    default void close() {}
}
