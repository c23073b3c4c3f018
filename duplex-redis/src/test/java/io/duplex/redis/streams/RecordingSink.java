package io.duplex.redis.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.Publication;
import io.duplex.StreamEngine;
import io.duplex.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A sink that records what an engine hands it, and notices a call for a topic while another for
 * the same topic is running (the engine must never do that).
 *
 * <p>Threading: the engine calls it from its threads; the test reads it from its own.
 */
final class RecordingSink implements StreamEngine.Sink {
    final List<Publication> received = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile boolean concurrent;

    @Override
    public void onPublication(Publication p) {
        if (!busy.add(p.topic())) {
            concurrent = true;
        }
        received.add(p);
        busy.remove(p.topic());
    }

    List<Publication> of(String topic) {
        return received.stream().filter(p -> p.topic().equals(topic)).toList();
    }

    /** Waits (bounded) until a publication of {@code topic} matching {@code what} arrived. */
    Publication await(String topic, Predicate<Publication> what) {
        Publication[] found = new Publication[1];
        Await.eventually("a matching publication of " + topic, Duration.ofSeconds(10), () -> {
            for (Publication p : received) {
                if (p.topic().equals(topic) && what.test(p)) {
                    found[0] = p;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until {@code topic} has {@code count} publications, then checks they are 1..count of one epoch. */
    void awaitInOrder(String topic, int count) throws InterruptedException {
        await(topic, p -> p.offset() == count);
        List<Publication> got = of(topic);
        assertThat(got).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(got.get(i).offset()).isEqualTo(i + 1);
            assertThat(got.get(i).position().epoch())
                    .isEqualTo(got.get(0).position().epoch());
        }
        assertThat(concurrent).as("sink called concurrently for one topic").isFalse();
    }

    /**
     * Waits for offset {@code last} and checks what came before it: increasing offsets of one
     * epoch, with gaps allowed — a publication in flight when Redis died may never reach the
     * subscribed connection, and the engine contract leaves such a gap to the runtime, which reads
     * it from history (StreamEngine: "the runtime sees the gap in offsets and reads history").
     */
    void awaitIncreasingTo(String topic, long last) throws InterruptedException {
        await(topic, p -> p.offset() == last);
        List<Publication> got = of(topic);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).offset()).isGreaterThan(got.get(i - 1).offset());
            assertThat(got.get(i).position().epoch())
                    .isEqualTo(got.get(0).position().epoch());
        }
        assertThat(got.get(got.size() - 1).offset()).isEqualTo(last);
        assertThat(concurrent).as("sink called concurrently for one topic").isFalse();
    }

    static String text(Publication p) {
        return StandardCharsets.UTF_8.decode(p.message().payload()).toString();
    }
}
