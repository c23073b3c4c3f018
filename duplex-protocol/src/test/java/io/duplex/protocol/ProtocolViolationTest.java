package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.frame.Violation;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule break the frame and protocol layers detect, for both roles: the engine writes one
 * Close frame with the violation's code, delivers an unclean Close carrying the violation, moves
 * to CLOSED and ignores whatever follows. Fixtures are unmasked; {@link Hex#wire} masks them for a
 * server.
 */
class ProtocolViolationTest {

    private static final ProtocolConfig SMALL = ProtocolConfig.builder()
            .maxFrameSize(1000)
            .maxMessageSize(10)
            .maxFragments(3)
            .build();

    private final ProtocolRecorder rec = new ProtocolRecorder();

    @AfterEach
    void nothingUnexpected() {
        rec.assertDone();
    }

    /** Feeds the frames in one buffer and checks the connection failed for {@code violation}. */
    private Protocol assertFails(Role role, ProtocolConfig config, Violation violation, String... frames) {
        Protocol p = rec.builder(role).config(config).build();
        p.receive(Hex.wire(role, frames));
        assertFailed(p, role, violation);
        return p;
    }

    private void assertFailed(Protocol p, Role role, Violation violation) {
        rec.assertFailed(role, violation);
        assertThat(p.failure()).isEqualTo(violation);
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.closeExpected()).isTrue();
        assertThat(p.shouldCloseTransport()).isTrue();
        assertThat(p.canSend()).isFalse();
        // Whatever follows is ignored.
        p.receive(Hex.wire(role, "81 01 41"));
        p.receiveEof();
        rec.assertDone();
    }

    static Stream<Arguments> violations() {
        List<Arguments> cases = new ArrayList<>();
        for (String b0 : List.of("83", "84", "85", "86", "87", "8b", "8c", "8d", "8e", "8f", "03", "0f")) {
            cases.add(Arguments.of("reserved opcode " + b0, Violation.RESERVED_OPCODE, new String[] {b0 + " 00"}));
        }
        for (String b0 : List.of("c1", "a1", "91", "c2", "c9", "f0")) {
            cases.add(Arguments.of("rsv " + b0, Violation.RESERVED_BITS, new String[] {b0 + " 00"}));
        }
        cases.add(Arguments.of("ping 126", Violation.CONTROL_FRAME_TOO_LONG, new String[] {"89 7e 00 7e"}));
        cases.add(Arguments.of("close 126", Violation.CONTROL_FRAME_TOO_LONG, new String[] {"88 7e 00 7e"}));
        cases.add(Arguments.of(
                "pong 64-bit", Violation.CONTROL_FRAME_TOO_LONG, new String[] {"8a 7f 00 00 00 00 00 00 00 7e"}));
        cases.add(Arguments.of("fragmented ping", Violation.FRAGMENTED_CONTROL_FRAME, new String[] {"09 00"}));
        cases.add(Arguments.of("fragmented close", Violation.FRAGMENTED_CONTROL_FRAME, new String[] {"08 02 03 e8"}));
        cases.add(Arguments.of("16-bit length 125", Violation.NON_MINIMAL_LENGTH, new String[] {"82 7e 00 7d"}));
        cases.add(Arguments.of(
                "64-bit length 65535", Violation.NON_MINIMAL_LENGTH, new String[] {"82 7f 00 00 00 00 00 00 ff ff"}));
        cases.add(Arguments.of(
                "64-bit length top bit", Violation.LENGTH_TOP_BIT_SET, new String[] {"82 7f 80 00 00 00 00 00 00 00"}));
        cases.add(Arguments.of("continuation first", Violation.CONTINUATION_WITHOUT_START, new String[] {"80 00"}));
        cases.add(Arguments.of(
                "text inside fragmented", Violation.NEW_MESSAGE_INSIDE_FRAGMENTED, new String[] {"01 01 41", "81 01 42"
                }));
        cases.add(Arguments.of(
                "binary inside fragmented", Violation.NEW_MESSAGE_INSIDE_FRAGMENTED, new String[] {"02 00", "02 00"}));
        cases.add(Arguments.of("close of one byte", Violation.CLOSE_PAYLOAD_ONE_BYTE, new String[] {"88 01 03"}));
        cases.add(Arguments.of("invalid UTF-8 text", Violation.INVALID_UTF8, new String[] {"81 02 41 ff"}));
        cases.add(Arguments.of("overlong text", Violation.INVALID_UTF8, new String[] {"81 02 c0 80"}));
        cases.add(Arguments.of("surrogate text", Violation.INVALID_UTF8, new String[] {"81 03 ed a0 80"}));
        cases.add(Arguments.of("text ends mid-code-point", Violation.INVALID_UTF8, new String[] {"81 02 e2 82"}));
        cases.add(Arguments.of(
                "fragmented text ends mid-code-point", Violation.INVALID_UTF8, new String[] {"01 01 e2", "80 01 82"}));
        cases.add(Arguments.of(
                "invalid UTF-8 in close reason", Violation.INVALID_CLOSE_REASON_UTF8, new String[] {"88 04 03 e8 ff fe"
                }));
        cases.add(Arguments.of("close reason ends mid-code-point", Violation.INVALID_CLOSE_REASON_UTF8, new String[] {
            "88 04 03 e8 e2 82"
        }));
        return cases.stream();
    }

    @ParameterizedTest(name = "server: {0}")
    @MethodSource("violations")
    void serverFailsTheConnection(String name, Violation violation, String[] frames) {
        assertFails(Role.SERVER, ProtocolConfig.DEFAULT, violation, frames);
    }

    @ParameterizedTest(name = "client: {0}")
    @MethodSource("violations")
    void clientFailsTheConnection(String name, Violation violation, String[] frames) {
        assertFails(Role.CLIENT, ProtocolConfig.DEFAULT, violation, frames);
    }

    @Test
    void serverRejectsUnmaskedFrame() {
        Protocol server = rec.protocol(Role.SERVER);
        server.receive(Hex.buf("81 05 48 65 6c 6c 6f"));
        assertFailed(server, Role.SERVER, Violation.UNMASKED_CLIENT_FRAME);
    }

    @Test
    void clientRejectsMaskedFrame() {
        Protocol client = rec.protocol(Role.CLIENT);
        client.receive(Hex.buf("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        assertFailed(client, Role.CLIENT, Violation.MASKED_SERVER_FRAME);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void continuationAfterAWholeMessage(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "81 01 41", "00 01 42"));
        assertThat(rec.next(Event.Text.class).text()).isEqualTo("A");
        assertFailed(p, role, Violation.CONTINUATION_WITHOUT_START);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void frameTooBigIsDetectedFromTheHeaderAlone(Role role) {
        // 1001 bytes declared; only the header is fed, no payload.
        assertFails(role, SMALL, Violation.FRAME_TOO_BIG, "82 7e 03 e9");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void frameAtTheLimitIsAccepted(Role role) {
        ProtocolConfig config = SMALL.toBuilder().maxMessageSize(1000).build();
        Protocol p = rec.builder(role).config(config).build();
        p.receive(Hex.wire(role, "82 7e 03 e8" + Hex.of(new byte[1000])));
        assertThat(rec.next(Event.Binary.class).data().remaining()).isEqualTo(1000);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void messageTooBigAcrossFragmentsIsDetectedFromTheDeclaredLength(Role role) {
        // 6 + 5 > 10: the second header alone decides.
        assertFails(role, SMALL, Violation.MESSAGE_TOO_BIG, "02 06 01 02 03 04 05 06", "80 05");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void singleFrameMessageOverTheMessageLimitIsDetectedFromItsHeader(Role role) {
        assertFails(role, SMALL, Violation.MESSAGE_TOO_BIG, "81 0b");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void messageAtTheLimitAcrossFragmentsIsAccepted(Role role) {
        Protocol p = rec.builder(role).config(SMALL).build();
        p.receive(Hex.wire(role, "02 06 01 02 03 04 05 06", "80 04 07 08 09 0a"));
        assertThat(Hex.of(rec.next(Event.Binary.class).data())).isEqualTo("01 02 03 04 05 06 07 08 09 0a");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void tooManyFragments(Role role) {
        assertFails(role, SMALL, Violation.TOO_MANY_FRAGMENTS, "01 01 41", "00 01 42", "00 01 43", "80 01 44");
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void tooManyEmptyFragmentsWithTheDefaultLimit(Role role) {
        Protocol p = rec.protocol(role);
        // 1024 fragments (the default limit) are fine…
        List<String> frames = new ArrayList<>();
        frames.add("01 00");
        for (int i = 0; i < 1022; i++) {
            frames.add("00 00");
        }
        frames.add("80 00");
        p.receive(Hex.wire(role, frames.toArray(String[]::new)));
        assertThat(rec.next(Event.Text.class).text()).isEmpty();
        // … 1025 are not, even when every one is empty.
        frames.set(frames.size() - 1, "00 00");
        frames.add("80 00");
        p.receive(Hex.wire(role, frames.toArray(String[]::new)));
        assertFailed(p, role, Violation.TOO_MANY_FRAGMENTS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void invalidUtf8FailsOnTheFragmentThatCarriesItBeforeTheMessageEnds(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "01 02 48 69"));
        rec.assertDone();
        p.receive(Hex.wire(role, "00 03 20 c3 28")); // c3 28: a lead byte followed by ASCII
        assertFailed(p, role, Violation.INVALID_UTF8);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void invalidUtf8FailsWithinAFrameBeforeItsEndArrives(Role role) {
        Protocol p = rec.protocol(role);
        // A 300-byte text frame whose second byte is invalid; only its first 10 bytes are fed.
        p.receive(Hex.wire(role, "81 7e 01 2c 41 ff 41 41 41 41"));
        assertFailed(p, role, Violation.INVALID_UTF8);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void invalidCloseCodes(int code) {
        for (Role role : Role.values()) {
            assertFails(role, ProtocolConfig.DEFAULT, Violation.INVALID_CLOSE_CODE, "88 02 " + hex16(code));
            assertFails(role, ProtocolConfig.DEFAULT, Violation.INVALID_CLOSE_CODE, "88 04 " + hex16(code) + " 6f 6b");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
    void validCloseCodesAreAcceptedAndEchoed(int code) {
        for (Role role : Role.values()) {
            Protocol p = rec.protocol(role);
            p.receive(Hex.wire(role, "88 04 " + hex16(code) + " 6f 6b"));
            assertThat(rec.next()).isEqualTo(new Event.Close(code, "ok", true, null));
            List<ProtocolRecorder.Frame> echo = rec.takeFrames();
            assertThat(echo).hasSize(1);
            assertThat(echo.get(0).closeCode()).isEqualTo(code);
            assertThat(echo.get(0).payload()).hasSize(2);
            assertThat(p.failure()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void violationAfterThisEndSentCloseWritesNoSecondClose(Role role) {
        Protocol p = rec.protocol(role);
        p.sendClose(CloseCodes.GOING_AWAY, "");
        assertThat(rec.takeFrames())
                .singleElement()
                .extracting(ProtocolRecorder.Frame::closeCode)
                .isEqualTo(1001);
        p.receive(Hex.wire(role, "83 00"));
        assertThat(rec.next())
                .isEqualTo(new Event.Close(1002, Violation.RESERVED_OPCODE.reason(), false, Violation.RESERVED_OPCODE));
        assertThat(p.failure()).isEqualTo(Violation.RESERVED_OPCODE);
        assertThat(p.state()).isEqualTo(State.CLOSED);
        assertThat(p.shouldCloseTransport()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void runtimeCanFailTheConnectionOnce(Role role) {
        Protocol p = rec.protocol(role);
        p.fail(Violation.MISSING_EXTENSION);
        rec.assertFailed(role, Violation.MISSING_EXTENSION);
        p.fail(Violation.INVALID_UTF8);
        assertThat(p.failure()).isEqualTo(Violation.MISSING_EXTENSION);
        assertThat(p.shouldCloseTransport()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void dataAfterCloseIsDiscardedWithoutAnEvent(Role role) {
        Protocol p = rec.protocol(role);
        // Close, then a text frame and then garbage, all in one read.
        p.receive(Hex.wire(role, "88 02 03 e8", "81 01 41", "83 00"));
        assertThat(rec.next()).isEqualTo(new Event.Close(1000, "", true, null));
        assertThat(rec.takeFrames())
                .singleElement()
                .extracting(ProtocolRecorder.Frame::closeCode)
                .isEqualTo(1000);
        // And in later reads.
        p.receive(Hex.wire(role, "89 00"));
        assertThat(p.failure()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void closeFollowedByAPartialFrameInTheSameReadIsDiscarded(Role role) {
        Protocol p = rec.protocol(role);
        p.receive(Hex.wire(role, "88 00", "82 7e 01 00 01 02"));
        assertThat(rec.next()).isEqualTo(new Event.Close(CloseCodes.NO_STATUS, "", true, null));
        assertThat(rec.takeFrames())
                .singleElement()
                .extracting(ProtocolRecorder.Frame::closeCode)
                .isEqualTo(-1);
        assertThat(p.failure()).isNull();
    }

    private static String hex16(int code) {
        return String.format("%02x %02x", code >>> 8, code & 0xFF);
    }
}
