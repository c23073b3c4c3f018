package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.internal.TopicPatterns;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory engine's stream rules, on a clock the test moves; and the values they use. */
class InMemoryStreamEngineTest {
    long now = 1_000_000;
    final InstantSource clock = () -> Instant.ofEpochMilli(now);
    final InMemoryStreamEngine engine = new InMemoryStreamEngine(clock, Duration.ofHours(1));
    final List<Publication> sunk = new ArrayList<>();

    InMemoryStreamEngineTest() {
        engine.start(sunk::add);
    }

    Position publish(String topic, History h) {
        return engine.publish(topic, PreparedMessage.text("m"), h)
                .toCompletableFuture()
                .join();
    }

    HistoryPage all(String topic, History h) {
        return engine.history(topic, HistoryQuery.since(null, 100), h)
                .toCompletableFuture()
                .join();
    }

    @Test
    void publicationsOlderThanTheTtlAreNotServed() {
        History h = History.of(10, Duration.ofSeconds(30));
        publish("t", h);
        now += 20_000;
        publish("t", h);
        now += 15_000;
        assertThat(all("t", h).publications()).extracting(Publication::offset).containsExactly(2L);
        assertThat(all("t", h).latest().offset()).isEqualTo(2);
    }

    @Test
    void onlyListenedTopicsReachTheSink() {
        History h = History.NONE;
        publish("quiet", h);
        engine.listen("loud");
        publish("loud", h);
        assertThat(sunk).extracting(Publication::topic).containsExactly("loud");
        engine.unlisten("loud");
        publish("loud", h);
        assertThat(sunk).hasSize(1);
    }

    @Test
    void anIdleUnlistenedTopicStartsANewEpochButAListenedOneKeepsItsEpoch() {
        Position idle = publish("idle", History.NONE);
        engine.listen("kept");
        Position kept = publish("kept", History.NONE);
        now += Duration.ofHours(2).toMillis();
        engine.sweep();
        assertThat(engine.streamCount()).isEqualTo(1);
        Position idleAgain = publish("idle", History.NONE);
        assertThat(idleAgain.epoch()).isNotEqualTo(idle.epoch());
        assertThat(idleAgain.offset()).isEqualTo(1);
        assertThat(publish("kept", History.NONE)).isEqualTo(new Position(kept.epoch(), 2));
    }

    @Test
    void aListenedTopicHasItsEpochBeforeItsFirstPublication() {
        engine.listen("new");
        Position before = all("new", History.NONE).latest();
        assertThat(before.offset()).isZero();
        assertThat(publish("new", History.NONE)).isEqualTo(new Position(before.epoch(), 1));
    }

    @Test
    void readingATopicThatHasNoStreamStoresNothing() {
        all("never", History.of(5, Duration.ofMinutes(1)));
        assertThat(engine.streamCount()).isZero();
    }

    @Test
    void twoEnginesNeverShareAnEpoch() {
        InMemoryStreamEngine other = new InMemoryStreamEngine();
        Position a = publish("t", History.NONE);
        Position b = other.publish("t", PreparedMessage.text("m"), History.NONE)
                .toCompletableFuture()
                .join();
        assertThat(a.epoch()).isNotEqualTo(b.epoch());
    }

    @Test
    void valuesRefuseWhatTheyCannotMean() {
        assertThatThrownBy(() -> new Position("bad epoch", 1))
                .isInstanceOfSatisfying(
                        StreamException.class, e -> assertThat(e.error()).isEqualTo(StreamError.BAD_POSITION));
        assertThatThrownBy(() -> new Position("e", -1)).isInstanceOf(StreamException.class);
        assertThatThrownBy(() -> new Position("x".repeat(65), 1)).isInstanceOf(StreamException.class);
        assertThat(new Position("e-1_A", 3).next()).isEqualTo(new Position("e-1_A", 4));
        assertThatThrownBy(() -> History.of(-1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> History.of(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> History.of(5, Duration.ofSeconds(1)).withMaxRecovery(6))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HistoryQuery(null, HistoryQuery.MAX_LIMIT + 1, false))
                .isInstanceOfSatisfying(
                        StreamException.class, e -> assertThat(e.error()).isEqualTo(StreamError.BAD_REQUEST));
        assertThatThrownBy(() -> Streams.checkTopic("a b"))
                .isInstanceOfSatisfying(
                        StreamException.class, e -> assertThat(e.error()).isEqualTo(StreamError.BAD_TOPIC));
        assertThatThrownBy(() -> Streams.checkTopic("x".repeat(257))).isInstanceOf(StreamException.class);
        Streams.checkTopic("chat/room:1@x#y.z_-");
    }

    @Test
    void historyPolicyPrefersExactNamesThenTheLongestPattern() {
        History a = History.of(1, Duration.ofMinutes(1));
        History b = History.of(2, Duration.ofMinutes(1));
        History c = History.of(3, Duration.ofMinutes(1));
        TopicPatterns<History> p = new TopicPatterns<>(Map.of("*", a, "chat.*", b, "chat.vip", c), History.NONE);
        assertThat(p.apply("news")).isEqualTo(a);
        assertThat(p.apply("chat.lobby")).isEqualTo(b);
        assertThat(p.apply("chat.vip")).isEqualTo(c);
        assertThat(new TopicPatterns<>(Map.<String, History>of(), History.NONE).apply("x"))
                .isEqualTo(History.NONE);
        assertThatThrownBy(() -> new TopicPatterns<>(Map.of("a*b", a), History.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
