package io.duplex.redis.presence;

import io.duplex.PresenceEngine;
import io.duplex.PresenceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A presence sink that records every event and lets the test wait for some (polling its list with
 * a deadline: no guessed sleeps).
 *
 * <p>Threading: the engine calls {@link #onPresence} from its threads; the test thread reads.
 */
final class RecordingPresence implements PresenceEngine.Sink {
    private final List<PresenceEvent> events = new ArrayList<>();

    @Override
    public synchronized void onPresence(PresenceEvent event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<PresenceEvent> of(String topic) {
        return events.stream().filter(e -> e.topic().equals(topic)).toList();
    }

    synchronized List<PresenceEvent> all() {
        return List.copyOf(events);
    }

    /** Waits until at least {@code n} events of {@code topic} match; returns them. */
    synchronized List<PresenceEvent> await(String topic, Predicate<PresenceEvent> which, int n, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            List<PresenceEvent> found = events.stream()
                    .filter(e -> e.topic().equals(topic) && which.test(e))
                    .toList();
            if (found.size() >= n) {
                return found;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("expected " + n + " matching events of " + topic + " within " + timeoutMillis
                        + " ms, got " + found.size() + ": " + events);
            }
            wait(left);
        }
    }

    synchronized List<PresenceEvent> await(String topic, int n) throws InterruptedException {
        return await(topic, e -> true, n, 15_000);
    }
}
