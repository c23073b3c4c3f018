package io.duplex.redis;

import io.duplex.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The members this node owns, per topic: what it refreshes, and joins again when Redis lost them
 * (a restart without persistence, or expiry after a long pause). Also the leaves that failed while
 * Redis was unreachable, sent again until one succeeds.
 *
 * <p>Threading: safe from any thread. A topic's state is guarded by its {@link Topic}'s lock, and
 * the engine sends a topic's commands while holding it ({@link #locked}): what this node tells Redis
 * about one topic reaches Redis in the order the local state changed (one connection per shard),
 * so a refresh that finds a member missing can never join it again after its leave.
 */
final class LocalPresence {
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    /** One topic's local members; guarded by its own lock. */
    static final class Topic {
        final Map<String, Member> members = new HashMap<>();
        final Set<String> leaving = new LinkedHashSet<>();
        private boolean dropped;

        /** Copies of the ids to refresh and the leaves to retry. */
        List<String> memberIds() {
            return new ArrayList<>(members.keySet());
        }
    }

    /** Runs {@code action} on the topic's state under its lock (made if missing, dropped when empty). */
    <T> T locked(String topic, Function<Topic, T> action) {
        while (true) {
            Topic t = topics.computeIfAbsent(topic, k -> new Topic());
            synchronized (t) {
                if (t.dropped) {
                    continue; // removed meanwhile: take the new one
                }
                try {
                    return action.apply(t);
                } finally {
                    if (t.members.isEmpty() && t.leaving.isEmpty()) {
                        t.dropped = true;
                        topics.remove(topic, t);
                    }
                }
            }
        }
    }

    /** The topics with local members or pending leaves (a snapshot). */
    List<String> topics() {
        return new ArrayList<>(topics.keySet());
    }

    /** Local members in all, for the benchmark and tests. */
    int size() {
        int n = 0;
        for (Topic t : topics.values()) {
            synchronized (t) {
                n += t.members.size();
            }
        }
        return n;
    }
}
