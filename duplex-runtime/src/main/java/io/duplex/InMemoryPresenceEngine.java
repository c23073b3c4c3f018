package io.duplex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process {@link PresenceEngine}: each topic's members in this JVM's memory, ordered by
 * client id (so pages are stable), with a count of connections per user for user-level events
 * and stats. A topic without members holds nothing.
 *
 * <p>Threading: safe from any thread. Each topic is guarded by its own lock, held while its event
 * is handed to the sink, so the sink sees a topic's events in the order they were applied.
 */
public final class InMemoryPresenceEngine implements PresenceEngine {
    private final Map<String, Roster> rosters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> listened = new ConcurrentHashMap<>();
    private volatile Sink sink = e -> {};

    /** One topic's members; guarded by its own lock. */
    private static final class Roster {
        final NavigableMap<String, Member> members = new TreeMap<>();
        final Map<String, Integer> connectionsPerUser = new HashMap<>();
        boolean dropped;
    }

    @Override
    public void start(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
    }

    @Override
    public CompletionStage<Void> join(String topic, Member member) {
        while (true) {
            Roster r = rosters.computeIfAbsent(topic, t -> new Roster());
            synchronized (r) {
                if (r.dropped) {
                    continue;
                }
                Member before = r.members.put(member.clientId(), member);
                if (before == null) {
                    boolean first = r.connectionsPerUser.merge(member.userId(), 1, Integer::sum) == 1;
                    emit(new PresenceEvent(topic, true, member, first));
                }
                return CompletableFuture.completedFuture(null);
            }
        }
    }

    @Override
    public CompletionStage<Void> leave(String topic, String clientId) {
        Roster r = rosters.get(topic);
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (r) {
            Member gone = r.members.remove(clientId);
            if (gone != null) {
                boolean last = r.connectionsPerUser.merge(gone.userId(), -1, Integer::sum) == 0;
                if (last) {
                    r.connectionsPerUser.remove(gone.userId());
                }
                emit(new PresenceEvent(topic, false, gone, last));
                if (r.members.isEmpty()) {
                    // Nothing to keep: a topic without members costs nothing.
                    r.dropped = true;
                    rosters.remove(topic, r);
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<PresencePage> members(String topic, String cursor, int limit) {
        Roster r = rosters.get(topic);
        if (r == null) {
            return CompletableFuture.completedFuture(new PresencePage(List.of(), null));
        }
        synchronized (r) {
            NavigableMap<String, Member> from = cursor == null ? r.members : r.members.tailMap(cursor, false);
            List<Member> page = new ArrayList<>(Math.min(limit, from.size()));
            for (Member m : from.values()) {
                if (page.size() == limit) {
                    break;
                }
                page.add(m);
            }
            boolean more = from.size() > page.size();
            String next = more && !page.isEmpty() ? page.get(page.size() - 1).clientId() : null;
            return CompletableFuture.completedFuture(new PresencePage(page, next));
        }
    }

    @Override
    public CompletionStage<PresenceStats> stats(String topic) {
        Roster r = rosters.get(topic);
        if (r == null) {
            return CompletableFuture.completedFuture(new PresenceStats(0, 0));
        }
        synchronized (r) {
            return CompletableFuture.completedFuture(new PresenceStats(r.members.size(), r.connectionsPerUser.size()));
        }
    }

    @Override
    public CompletionStage<Void> listen(String topic) {
        listened.put(topic, Boolean.TRUE);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlisten(String topic) {
        listened.remove(topic);
    }

    /** A process that dies takes its members with it: nothing outlives it. */
    @Override
    public Duration expiry() {
        return Duration.ZERO;
    }

    private void emit(PresenceEvent e) {
        if (listened.containsKey(e.topic())) {
            sink.onPresence(e);
        }
    }
}
