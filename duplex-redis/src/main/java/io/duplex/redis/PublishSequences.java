package io.duplex.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact accounting of what crosses nodes. A sender numbers its publishes per topic (1, 2, 3, …,
 * every attempt, including those it could not hand to Redis); a receiver remembers the last number
 * it got per sender and topic, and a jump from {@code n} to {@code n + k} means {@code k − 1}
 * publications of that sender never reached it — dropped before Redis, lost in flight when Redis
 * died, or published while this node's subscription was down. Counting at the receiver is what
 * makes the count exact: the sender cannot see the last two.
 *
 * <p>A number at or below the last one means the sender started counting afresh (it restarted
 * with the same node id, or forgot the topic, below): the numbers before it in the new count are
 * what was missed. A loss is known when the next publication of that sender on that topic
 * arrives; one never followed by another is not counted.
 *
 * <p>Memory: both maps are bounded by {@link #MAX_TOPICS} entries; past it a map is cleared and
 * counting starts afresh (a receiver then sees a restart, which is not miscounted: see above).
 *
 * <p>Threading: safe from any thread; a receiver's messages on one topic arrive in order on one
 * connection, and each key is updated inside the map's {@code compute}.
 */
final class PublishSequences {
    static final int MAX_TOPICS = 65_536;

    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final LongAdder missed = new LongAdder();

    /** The sequence number of this node's next publish on {@code topic}. */
    long next(String topic) {
        if (sent.size() >= MAX_TOPICS && !sent.containsKey(topic)) {
            sent.clear();
        }
        return sent.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Records a publication from {@code sender} on {@code topic} numbered {@code sequence}.
     *
     * @return how many of that sender's publications on the topic were missed just before it
     */
    long receivedFrom(String sender, String topic, long sequence) {
        if (received.size() >= MAX_TOPICS) {
            received.clear();
        }
        long[] gap = {0};
        received.compute(sender + '\u0000' + topic, (key, last) -> {
            if (last == null) {
                // The first one heard from this sender on this topic: the node may have subscribed
                // after the sender's first publish, so nothing before it counts as missed.
                return sequence;
            }
            gap[0] = sequence > last ? sequence - last - 1 : sequence - 1;
            return sequence;
        });
        if (gap[0] > 0) {
            missed.add(gap[0]);
        }
        return gap[0];
    }

    /** Publications from other nodes this node missed, counted so far. */
    long missed() {
        return missed.sum();
    }

    /** Forgets what was received on {@code topic} (this node no longer listens to it). */
    void forget(String topic) {
        received.keySet().removeIf(k -> k.endsWith('\u0000' + topic));
    }
}
