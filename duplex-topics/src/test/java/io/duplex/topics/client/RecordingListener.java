package io.duplex.topics.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.duplex.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link TopicListener} that records every call in order, with bounded waits for one.
 *
 * <p>Threading: the client calls it on its thread; the test reads it from its own ({@link #events}
 * is a thread-safe queue, the lists are copied under the lock).
 */
final class RecordingListener implements TopicListener {
    /** One call of the listener, and when it came (System.nanoTime). */
    sealed interface Event {
        long nanos();
    }

    record Subscribed(boolean recovered, Position position, long nanos) implements Event {}

    record Pub(Position position, JsonNode data, long nanos) implements Event {}

    record Interrupted(Position position, long nanos) implements Event {}

    record Error(int code, String message, long nanos) implements Event {}

    record Join(PresenceMember member, boolean user, long nanos) implements Event {}

    record Leave(PresenceMember member, boolean user, long nanos) implements Event {}

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> all = new ArrayList<>();
    /** The offset of the latest publication (0 before any), for cheap waits on progress. */
    volatile long lastOffset;

    @Override
    public void onSubscribed(boolean recovered, Position position) {
        add(new Subscribed(recovered, position, System.nanoTime()));
    }

    @Override
    public void onPublication(Position position, JsonNode data) {
        add(new Pub(position, data, System.nanoTime()));
        lastOffset = position.offset();
    }

    @Override
    public void onInterrupted(Position position) {
        add(new Interrupted(position, System.nanoTime()));
    }

    @Override
    public void onError(int code, String message) {
        add(new Error(code, message, System.nanoTime()));
    }

    @Override
    public void onJoin(PresenceMember member, boolean user) {
        add(new Join(member, user, System.nanoTime()));
    }

    @Override
    public void onLeave(PresenceMember member, boolean user) {
        add(new Leave(member, user, System.nanoTime()));
    }

    private void add(Event e) {
        synchronized (all) {
            all.add(e);
        }
        events.add(e);
    }

    /** The next call, waiting up to 10 s. */
    Event next() {
        try {
            Event e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no listener call within 10 s; so far: " + summary());
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    <T extends Event> T next(Class<T> type) {
        Event e = next();
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but the listener got " + e);
        }
        return type.cast(e);
    }

    /** Every call so far, in order. */
    List<Event> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    <T extends Event> List<T> all(Class<T> type) {
        return all().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** How many calls so far satisfy {@code p}. */
    long count(Predicate<Event> p) {
        return all().stream().filter(p).count();
    }

    private String summary() {
        List<Event> a = all();
        return a.size() + " calls, the last " + (a.isEmpty() ? "none" : a.get(a.size() - 1));
    }
}
