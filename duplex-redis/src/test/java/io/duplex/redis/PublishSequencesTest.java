package io.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Counting what a node missed from the gaps in each sender's per-topic numbers: no Redis needed. */
class PublishSequencesTest {
    final PublishSequences s = new PublishSequences();

    @Test
    void aSenderNumbersEachTopicFromOne() {
        assertThat(s.next("a")).isEqualTo(1);
        assertThat(s.next("a")).isEqualTo(2);
        assertThat(s.next("b")).isEqualTo(1);
        assertThat(s.next("a")).isEqualTo(3);
    }

    @Test
    void aJumpCountsWhatWasMissedPerSenderAndTopic() {
        assertThat(s.receivedFrom("n1", "t", 5))
                .as("first heard: nothing before counts")
                .isZero();
        assertThat(s.receivedFrom("n1", "t", 6)).isZero();
        assertThat(s.receivedFrom("n1", "t", 10)).isEqualTo(3);
        assertThat(s.receivedFrom("n2", "t", 1)).isZero();
        assertThat(s.receivedFrom("n2", "t", 3)).isEqualTo(1);
        assertThat(s.receivedFrom("n1", "u", 7)).isZero();
        assertThat(s.missed()).isEqualTo(4);
    }

    @Test
    void aSenderThatStartedAfreshIsCountedFromItsNewOne() {
        s.receivedFrom("n1", "t", 100);
        assertThat(s.receivedFrom("n1", "t", 1)).as("restarted, nothing missed").isZero();
        assertThat(s.receivedFrom("n1", "t", 2)).isZero();
        s.receivedFrom("n1", "t", 50);
        assertThat(s.receivedFrom("n1", "t", 4))
                .as("restarted, its 1..3 missed")
                .isEqualTo(3);
        assertThat(s.missed()).isEqualTo(47 + 3);
    }

    @Test
    void aTopicNoLongerListenedToIsForgotten() {
        s.receivedFrom("n1", "t", 1);
        s.receivedFrom("n1", "tt", 1);
        s.forget("t");
        assertThat(s.receivedFrom("n1", "t", 9))
                .as("listening again: a fresh start")
                .isZero();
        assertThat(s.receivedFrom("n1", "tt", 3)).isEqualTo(1);
    }
}
