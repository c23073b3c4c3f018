package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.ProtocolRecorder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Protocol#fail(int, String)}: a failure this end decides (keepalive timeout, slow consumer)
 * takes the engine's one failure path (RFC 6455 §7.1.7), like a peer's violation.
 */
class ProtocolLocalFailureTest {
    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void sendsTheCloseDeliversAnUncleanCloseAndAsksForTheTransportToClose(Role role) {
        Protocol p = rec.protocol(role);
        p.fail(CloseCodes.INTERNAL_ERROR, "keepalive ping timeout");

        List<ProtocolRecorder.Frame> frames = rec.takeFrames();
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).closeCode()).isEqualTo(1011);
        assertThat(frames.get(0).masked()).isEqualTo(role == Role.CLIENT);
        assertThat(rec.next()).isEqualTo(new Event.Close(1011, "keepalive ping timeout", false, null));
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.shouldCloseTransport()).isTrue(); // either role closes TCP after a failure
        assertThat(p.failure()).isNull(); // not a violation by the peer
        assertThat(p.canSend()).isFalse();

        p.fail(CloseCodes.POLICY_VIOLATION, "again"); // once CLOSED, nothing more
        p.receiveEof();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void whileClosingNoSecondCloseFrameButTheHandlerLearnsTheFailure(Role role) {
        Protocol p = rec.protocol(role);
        p.sendClose(CloseCodes.NORMAL, "");
        rec.takeFrames();
        p.fail(CloseCodes.POLICY_VIOLATION, "slow consumer");
        assertThat(rec.takeFrames()).isEmpty();
        assertThat(rec.next()).isEqualTo(new Event.Close(1008, "slow consumer", false, null));
        assertThat(p.shouldCloseTransport()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void refusesCodesAndReasonsThatMayNotBeSent(Role role) {
        Protocol p = rec.protocol(role);
        assertThatThrownBy(() -> p.fail(CloseCodes.ABNORMAL, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.fail(1011, "x".repeat(124))).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.state()).isEqualTo(State.OPEN);
    }
}
