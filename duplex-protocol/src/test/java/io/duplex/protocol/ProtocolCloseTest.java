package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The close handshake (RFC 6455 §7), state transitions and the transport hints per role. */
class ProtocolCloseTest {

    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    @Test
    void serverInitiatesCloseAndClosesTheTransportFirst() {
        Protocol server = rec.protocol(Role.SERVER);
        assertThat(server.state()).isEqualTo(State.OPEN);
        assertThat(server.closeExpected()).isFalse();
        assertThat(server.canSend()).isTrue();

        server.sendClose(CloseCodes.NORMAL, "bye");
        assertThat(rec.takeOutput()).isEqualTo("88 05 03 e8 62 79 65");
        assertThat(server.state()).isEqualTo(State.CLOSING);
        assertThat(server.closeExpected()).isTrue();
        assertThat(server.canSend()).isFalse();
        assertThat(server.shouldCloseTransport()).isFalse();

        server.receive(Hex.wire(Role.SERVER, "88 02 03 e8"));
        assertThat(rec.next()).isEqualTo(new Event.Close(1000, "", true, null));
        assertThat(server.state()).isEqualTo(State.CLOSED);
        assertThat(server.shouldCloseTransport()).isTrue(); // RFC 6455 §7.1.1: the server closes TCP first
        assertThat(server.failure()).isNull();

        server.receiveEof();
        rec.assertDone();
    }

    @Test
    void clientInitiatesCloseAndWaitsForTheServersFin() {
        Protocol client = rec.protocol(Role.CLIENT);
        client.sendClose(CloseCodes.NORMAL, "");
        assertThat(rec.takeOutput()).isEqualTo("88 82 37 fa 21 3d 34 12");
        assertThat(client.state()).isEqualTo(State.CLOSING);
        assertThat(client.closeExpected()).isTrue();

        client.receive(Hex.buf("88 02 03 e9"));
        assertThat(rec.next()).isEqualTo(new Event.Close(1001, "", true, null));
        assertThat(client.state()).isEqualTo(State.CLOSED);
        assertThat(client.closeExpected()).isTrue();
        assertThat(client.shouldCloseTransport()).isFalse(); // waits for the server's FIN, under its timer

        client.receiveEof();
        assertThat(client.shouldCloseTransport()).isTrue();
        assertThat(client.state()).isEqualTo(State.CLOSED);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void peerInitiatedCloseIsEchoedWithItsCode(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "88 05 03 e9 62 79 65"));
        assertThat(rec.next()).isEqualTo(new Event.Close(1001, "bye", true, null));
        List<ProtocolRecorder.Frame> echo = rec.takeFrames();
        assertThat(echo).singleElement().satisfies(f -> {
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat(f.payload()).hasSize(2);
            assertThat(f.masked()).isEqualTo(role == Role.CLIENT);
            assertThat(f.fin()).isTrue();
        });
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.closeExpected()).isTrue();
        assertThat(p.shouldCloseTransport()).isEqualTo(role == Role.SERVER);

        p.sendClose(CloseCodes.NORMAL, "too late"); // nothing: a Close was sent already
        p.receiveEof(); // the handshake completed: no 1006
        assertThat(p.shouldCloseTransport()).isTrue();
    }

    @Test
    void emptyCloseIsEchoedEmptyAndReportedAsNoStatus() {
        Protocol server = rec.protocol(Role.SERVER);
        server.receive(Hex.buf("88 80 37 fa 21 3d"));
        assertThat(rec.next()).isEqualTo(new Event.Close(CloseCodes.NO_STATUS, "", true, null));
        assertThat(rec.takeOutput()).isEqualTo("88 00");

        Protocol client = rec.protocol(Role.CLIENT);
        client.receive(Hex.buf("88 00"));
        assertThat(rec.next()).isEqualTo(new Event.Close(1005, "", true, null));
        assertThat(rec.takeOutput()).isEqualTo("88 80 37 fa 21 3d");
    }

    @Test
    void closeReasonIsDecodedAsUtf8() {
        Protocol client = rec.protocol(Role.CLIENT);
        client.receive(Hex.buf("88 07 0f a0 e2 82 ac 21 21")); // 4000 "€!!"
        assertThat(rec.next()).isEqualTo(new Event.Close(4000, "€!!", true, null));
        assertThat(rec.takeFrames())
                .singleElement()
                .extracting(ProtocolRecorder.Frame::closeCode)
                .isEqualTo(4000);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void eofBeforeAnyCloseIsAbnormalAndDeliveredOnce(Role role) {
        Protocol p = rec.protocol(role);
        p.receiveEof();
        assertThat(rec.next()).isEqualTo(new Event.Close(CloseCodes.ABNORMAL, "", false, null));
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.closeExpected()).isTrue();
        assertThat(p.shouldCloseTransport()).isTrue();
        assertThat(p.failure()).isNull();

        p.receiveEof();
        p.receive(Hex.wire(role, "88 02 03 e8"));
        p.sendClose(CloseCodes.NORMAL, ""); // nothing to close any more
        assertThatThrownBy(() -> p.sendText("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendPing(ByteBuffer.allocate(0))).isInstanceOf(IllegalStateException.class);
        p.fail(io.duplex.frame.Violation.INVALID_UTF8); // already closed: ignored
        assertThat(p.failure()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void eofWhileClosingIsAbnormal(Role role) {
        Protocol p = rec.protocol(role);
        p.sendClose(CloseCodes.GOING_AWAY, "");
        rec.takeOutput();
        p.receiveEof();
        assertThat(rec.next()).isEqualTo(new Event.Close(1006, "", false, null));
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.shouldCloseTransport()).isTrue();
        p.receiveEof();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void nothingButTheCloseReplyMaySendAfterClose(Role role) {
        Protocol p = rec.protocol(role);
        p.sendClose(CloseCodes.NORMAL, "");
        rec.takeOutput();
        ByteBuffer data = Hex.buf("41");
        assertThatThrownBy(() -> p.sendText("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendBinary(data)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendTextUtf8(data)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendFragment(false, data, true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendPing(data)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.sendPong(data)).isInstanceOf(IllegalStateException.class);
        p.sendClose(CloseCodes.GOING_AWAY, "again");
        rec.assertDone();
        assertThat(p.state()).isEqualTo(State.CLOSING);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void noAutoPongOnceACloseWasSent(Role role) {
        Protocol p = rec.protocol(role);
        p.sendClose(CloseCodes.NORMAL, "");
        rec.takeOutput();
        p.receive(Hex.wire(role, "89 01 41"));
        assertThat(Hex.of(rec.next(Event.Ping.class).data())).isEqualTo("41");
        // Data still flows to the application while CLOSING (RFC 6455 §7.1.2 leaves it to us).
        p.receive(Hex.wire(role, "81 01 42"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("B");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, -1})
    void sendCloseRejectsCodesThatMayNotBeSent(int code) {
        Protocol p = rec.protocol(Role.SERVER);
        assertThatThrownBy(() -> p.sendClose(code, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.state()).isEqualTo(State.OPEN);
        assertThat(p.closeExpected()).isFalse();
    }

    @Test
    void sendCloseLimitsTheReasonTo123Utf8Bytes() {
        Protocol p = rec.protocol(Role.SERVER);
        String euros = "€".repeat(41); // 123 bytes
        assertThatThrownBy(() -> p.sendClose(CloseCodes.NORMAL, euros + "a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendClose(CloseCodes.NORMAL, "a".repeat(124)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(p.state()).isEqualTo(State.OPEN);
        p.sendClose(3000, euros);
        List<ProtocolRecorder.Frame> frames = rec.takeFrames();
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.closeCode()).isEqualTo(3000);
            assertThat(f.payload()).hasSize(125);
        });
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void nothingMaySendOnceTheCloseFrameIsBeingWritten(Role role) {
        List<Boolean> canSendDuringWrite = new ArrayList<>();
        Protocol[] p = new Protocol[1];
        p[0] = Protocol.builder(role)
                .events(rec)
                .output((header, payload) -> canSendDuringWrite.add(p[0].canSend()))
                .maskKeys(() -> 1)
                .build();
        p[0].sendText("a");
        p[0].sendClose(CloseCodes.NORMAL, "");
        assertThat(canSendDuringWrite).containsExactly(true, false);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void applicationFailingTheConnectionFromAnEventStopsTheRestOfTheRead(Role role) {
        List<String> seen = new ArrayList<>();
        Protocol[] p = new Protocol[1];
        p[0] = Protocol.builder(role)
                .events(e -> {
                    seen.add(ProtocolRecorder.describe(e));
                    if (e instanceof Event.Text) {
                        p[0].fail(io.duplex.frame.Violation.MISSING_EXTENSION);
                    }
                })
                .output(rec)
                .maskKeys(() -> 0)
                .build();
        p[0].receive(Hex.wire(role, "81 01 41", "89 00", "82 01 42"));
        assertThat(seen)
                .containsExactly(
                        "text:A",
                        "close:1010," + io.duplex.frame.Violation.MISSING_EXTENSION.reason()
                                + ",false,MISSING_EXTENSION");
        assertThat(p[0].failure()).isEqualTo(io.duplex.frame.Violation.MISSING_EXTENSION);
        assertThat(rec.takeFrames())
                .singleElement()
                .extracting(ProtocolRecorder.Frame::closeCode)
                .isEqualTo(1010);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void transportEndingFromAnEventStopsTheRestOfTheRead(Role role) {
        List<String> seen = new ArrayList<>();
        Protocol[] p = new Protocol[1];
        p[0] = Protocol.builder(role)
                .events(e -> {
                    seen.add(ProtocolRecorder.describe(e));
                    p[0].receiveEof();
                })
                .output(rec)
                .build();
        p[0].receive(Hex.wire(role, "82 01 41", "89 00"));
        assertThat(seen).containsExactly("binary[1]:41", "close:1006,,false,null");
        assertThat(p[0].failure()).isNull();
    }

    @Test
    void closeWhileAFragmentedMessageIsGoingOut() {
        Protocol server = rec.protocol(Role.SERVER);
        server.sendFragment(false, Hex.buf("01"), false);
        server.sendClose(CloseCodes.NORMAL, "");
        assertThat(rec.takeOutput()).isEqualTo("02 01 01 88 02 03 e8");
        assertThatThrownBy(() -> server.sendFragment(false, Hex.buf("02"), true))
                .isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ fail(code, reason)
    // A failure this end decides (keepalive timeout, slow consumer) takes the engine's one
    // failure path (RFC 6455 §7.1.7), like a peer's violation.

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
