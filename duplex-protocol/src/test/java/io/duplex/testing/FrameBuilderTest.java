package io.duplex.testing;

import static io.duplex.testing.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duplex.frame.Violation;
import io.duplex.protocol.Event;
import io.duplex.protocol.Protocol;
import io.duplex.protocol.Role;
import io.duplex.testing.FrameBuilder.LengthEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameBuilderTest {
    private static final int RFC_KEY = 0x37fa213d;
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    // ---------------------------------------------------------------- RFC 6455 §5.7 examples

    @Test
    void unmaskedTextHello() {
        assertThat(FrameBuilder.text("Hello").build()).isEqualTo(bytes("81 05 48 65 6c 6c 6f"));
    }

    @Test
    void maskedTextHello() {
        assertThat(FrameBuilder.text("Hello").masked(RFC_KEY).build())
                .isEqualTo(bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void fragmentedUnmaskedText() {
        byte[] first = FrameBuilder.text("Hel").fin(false).build();
        byte[] second = FrameBuilder.continuation("lo").build();
        assertThat(first).isEqualTo(bytes("01 03 48 65 6c"));
        assertThat(second).isEqualTo(bytes("80 02 6c 6f"));
    }

    @Test
    void unmaskedPingAndMaskedPong() {
        assertThat(FrameBuilder.ping(HELLO).build()).isEqualTo(bytes("89 05 48 65 6c 6c 6f"));
        assertThat(FrameBuilder.pong(HELLO).masked(RFC_KEY).build())
                .isEqualTo(bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void binary256BytesUsesSixteenBitLength() {
        byte[] frame = FrameBuilder.binary(new byte[256]).build();
        assertThat(Arrays.copyOf(frame, 4)).isEqualTo(bytes("82 7e 01 00"));
        assertThat(frame).hasSize(4 + 256);
    }

    @Test
    void binary64KiBUsesSixtyFourBitLength() {
        byte[] frame = FrameBuilder.binary(new byte[65536]).build();
        assertThat(Arrays.copyOf(frame, 10)).isEqualTo(bytes("82 7f 00 00 00 00 00 01 00 00"));
        assertThat(frame).hasSize(10 + 65536);
    }

    // ---------------------------------------------------------------- knobs

    @Test
    void unmaskedUndoesMasked() {
        assertThat(FrameBuilder.text("Hello").masked(RFC_KEY).unmasked().build())
                .isEqualTo(FrameBuilder.text("Hello").build());
    }

    @Test
    void rsvBitsAndRawOpcode() {
        assertThat(FrameBuilder.binary(new byte[0]).rsv1().build()).isEqualTo(bytes("c2 00"));
        assertThat(FrameBuilder.binary(new byte[0]).rsv2().build()).isEqualTo(bytes("a2 00"));
        assertThat(FrameBuilder.binary(new byte[0]).rsv3().build()).isEqualTo(bytes("92 00"));
        assertThat(FrameBuilder.binary(new byte[0]).opcode(0x3).build()).isEqualTo(bytes("83 00"));
        assertThat(FrameBuilder.frame(0xF, new byte[] {7}).fin(false).build()).isEqualTo(bytes("0f 01 07"));
    }

    @Test
    void closeWritesCodeThenReason() {
        assertThat(FrameBuilder.close(1000, "bye").build()).isEqualTo(bytes("88 05 03 e8 62 79 65"));
        assertThat(FrameBuilder.closeRaw(new byte[] {3}).build()).isEqualTo(bytes("88 01 03"));
        assertThat(FrameBuilder.closeRaw(new byte[0]).build()).isEqualTo(bytes("88 00"));
    }

    @Test
    void forcedNonMinimalLengthEncodings() {
        assertThat(FrameBuilder.binary(HELLO)
                        .lengthEncoding(LengthEncoding.SIXTEEN)
                        .build())
                .startsWith(bytes("82 7e 00 05 48"));
        assertThat(FrameBuilder.binary(HELLO)
                        .lengthEncoding(LengthEncoding.SIXTYFOUR)
                        .build())
                .startsWith(bytes("82 7f 00 00 00 00 00 00 00 05 48"));
        assertThat(FrameBuilder.binary(HELLO)
                        .lengthEncoding(LengthEncoding.SEVEN)
                        .build())
                .isEqualTo(FrameBuilder.binary(HELLO).build());
    }

    @Test
    void declaredLengthLiesAboutThePayload() {
        assertThat(FrameBuilder.binary(new byte[0])
                        .masked(RFC_KEY)
                        .declaredLength(1L << 31)
                        .build())
                .isEqualTo(bytes("82 ff 00 00 00 00 80 00 00 00 37 fa 21 3d"));
        assertThat(FrameBuilder.binary(new byte[0])
                        .declaredLength(Long.MIN_VALUE)
                        .build())
                .isEqualTo(bytes("82 7f 80 00 00 00 00 00 00 00"));
        assertThat(FrameBuilder.binary(HELLO).declaredLength(2).build()).isEqualTo(bytes("82 02 48 65 6c 6c 6f"));
    }

    @Test
    void forcedEncodingThatCannotHoldTheLengthFails() {
        assertThatThrownBy(() -> FrameBuilder.binary(new byte[126])
                        .lengthEncoding(LengthEncoding.SEVEN)
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FrameBuilder.binary(new byte[0])
                        .declaredLength(65536)
                        .lengthEncoding(LengthEncoding.SIXTEEN)
                        .build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FrameBuilder.binary(new byte[0])
                        .declaredLength(-1)
                        .lengthEncoding(LengthEncoding.SEVEN)
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderCopiesItsInputsAndCanBuildTwice() {
        byte[] payload = {1, 2, 3};
        FrameBuilder builder = FrameBuilder.binary(payload).masked(RFC_KEY);
        payload[0] = 9;
        byte[] first = builder.build();
        assertThat(builder.build()).isEqualTo(first).isNotSameAs(first);
        assertThat(FrameBuilder.binary(new byte[] {1, 2, 3})
                        .payload(new byte[] {4})
                        .build())
                .isEqualTo(bytes("82 01 04"));
        assertThat(FrameBuilder.text(new byte[] {(byte) 0xff}).build()).isEqualTo(bytes("81 01 ff"));
    }

    @Test
    void concatJoinsFramesInOrder() {
        assertThat(FrameBuilder.concat(bytes("01 02"), new byte[0], bytes("03")))
                .isEqualTo(bytes("01 02 03"));
        assertThat(FrameBuilder.concat()).isEmpty();
    }

    // ---------------------------------------------------------------- the engine agrees

    static Stream<Arguments> invalidClientFrames() {
        int k = RFC_KEY;
        return Stream.of(
                Arguments.of(FrameBuilder.binary(HELLO).opcode(0x3).masked(k), Violation.RESERVED_OPCODE),
                Arguments.of(FrameBuilder.binary(HELLO).rsv2().masked(k), Violation.RESERVED_BITS),
                Arguments.of(FrameBuilder.binary(HELLO), Violation.UNMASKED_CLIENT_FRAME),
                Arguments.of(
                        FrameBuilder.binary(HELLO)
                                .lengthEncoding(LengthEncoding.SIXTEEN)
                                .masked(k),
                        Violation.NON_MINIMAL_LENGTH),
                Arguments.of(
                        FrameBuilder.binary(new byte[0])
                                .declaredLength(Long.MIN_VALUE)
                                .masked(k),
                        Violation.LENGTH_TOP_BIT_SET),
                Arguments.of(
                        FrameBuilder.binary(new byte[0])
                                .declaredLength(1L << 31)
                                .masked(k),
                        Violation.FRAME_TOO_BIG),
                Arguments.of(FrameBuilder.ping(new byte[126]).masked(k), Violation.CONTROL_FRAME_TOO_LONG),
                Arguments.of(FrameBuilder.ping(HELLO).fin(false).masked(k), Violation.FRAGMENTED_CONTROL_FRAME),
                Arguments.of(FrameBuilder.continuation(HELLO).masked(k), Violation.CONTINUATION_WITHOUT_START),
                Arguments.of(FrameBuilder.closeRaw(new byte[] {3}).masked(k), Violation.CLOSE_PAYLOAD_ONE_BYTE),
                Arguments.of(FrameBuilder.close(1005, "").masked(k), Violation.INVALID_CLOSE_CODE),
                Arguments.of(
                        FrameBuilder.text(new byte[] {(byte) 0xc0, (byte) 0x80}).masked(k), Violation.INVALID_UTF8));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidClientFrames")
    void serverFailsTheConnectionWithThePreciseViolation(FrameBuilder frame, Violation expected) {
        try (ProtocolRecorder recorder = new ProtocolRecorder()) {
            Protocol server = Protocol.builder(Role.SERVER)
                    .events(recorder)
                    .output(recorder)
                    .build();
            server.receive(ByteBuffer.wrap(frame.build()));
            Event.Close close = recorder.takeEvent(Event.Close.class);
            assertThat(close.violation()).isEqualTo(expected);
            assertThat(close.code()).isEqualTo(expected.closeCode());
        }
    }

    @Test
    void serverReadsTheRfcMaskedHello() {
        try (ProtocolRecorder recorder = new ProtocolRecorder()) {
            Protocol server = Protocol.builder(Role.SERVER)
                    .events(recorder)
                    .output(recorder)
                    .build();
            server.receive(ByteBuffer.wrap(FrameBuilder.concat(
                    FrameBuilder.text("Hel").fin(false).masked(1).build(),
                    FrameBuilder.ping(HELLO).masked(2).build(),
                    FrameBuilder.continuation("lo").masked(3).build())));
            assertThat(recorder.takeEvent()).isEqualTo(new Event.Ping(ByteBuffer.wrap(HELLO)));
            assertThat(recorder.takeEvent()).isEqualTo(new Event.Text("Hello"));
            // The automatic Pong (RFC 6455 §5.5.2), unmasked from a server.
            assertThat(recorder.written()).isEqualTo(FrameBuilder.pong(HELLO).build());
        }
    }
}
