package io.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory presence engine's rules: idempotent joins, user-level flags, events only where listened. */
class InMemoryPresenceEngineTest {
    final InMemoryPresenceEngine engine = new InMemoryPresenceEngine();
    final List<PresenceEvent> events = new ArrayList<>();

    InMemoryPresenceEngineTest() {
        engine.start(events::add);
        engine.listen("t");
    }

    @Test
    void joinsAreIdempotentAndLeavesOfAbsentMembersChangeNothing() {
        Member a = new Member("c1", "alice", "");
        engine.join("t", a);
        engine.join("t", a);
        engine.leave("t", "nobody");
        engine.leave("elsewhere", "c1");
        assertThat(events).containsExactly(new PresenceEvent("t", true, a, true));
        assertThat(engine.stats("t").toCompletableFuture().join()).isEqualTo(new PresenceStats(1, 1));
    }

    @Test
    void userFlagsMarkTheFirstJoinAndTheLastLeaveOfAUser() {
        Member tab1 = new Member("c1", "alice", "");
        Member tab2 = new Member("c2", "alice", "");
        engine.join("t", tab1);
        engine.join("t", tab2);
        engine.leave("t", "c1");
        engine.leave("t", "c2");
        assertThat(events)
                .extracting(e -> (e.joined() ? "+" : "-") + e.member().clientId() + (e.user() ? "!" : ""))
                .containsExactly("+c1!", "+c2", "-c1", "-c2!");
        assertThat(engine.stats("t").toCompletableFuture().join()).isEqualTo(new PresenceStats(0, 0));
        assertThat(engine.members("t", null, 10).toCompletableFuture().join().members())
                .isEmpty();
    }

    @Test
    void onlyListenedTopicsReachTheSink() {
        engine.join("quiet", new Member("c1", "u", ""));
        assertThat(events).isEmpty();
        engine.unlisten("t");
        engine.join("t", new Member("c2", "u", ""));
        assertThat(events).isEmpty();
        assertThat(engine.expiry()).isZero();
    }

    @Test
    void optionsAndIdentitiesRefuseWhatTheyCannotMean() {
        assertThatThrownBy(() -> new PresenceOptions(true, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PresenceOptions.enabled().withoutEvents().events()).isFalse();
        assertThatThrownBy(() -> new Member("c", null, "")).isInstanceOf(NullPointerException.class);
        assertThat(PresenceIdentity.anonymous().identify(null)).isEqualTo(PresenceIdentity.Identity.anonymous());
    }
}
