package io.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.frame.Violation;
import io.duplex.testing.Hex;
import io.duplex.testing.ProtocolRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * However the transport splits the bytes (whole, one byte at a time, at random points), the engine
 * emits the same events and writes the same bytes; an invalid stream fails with the same violation.
 */
class ProtocolRechunkTest {

    private static final ProtocolConfig LIMITS = ProtocolConfig.builder()
            .maxFrameSize(70_000)
            .maxMessageSize(100_000)
            .maxFragments(8)
            .build();

    /** An unmasked frame with the minimal length encoding, written naively. */
    static byte[] frame(int b0, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] ascii(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** Many valid frames: every length encoding, fragments, interleaved control frames, a close. */
    static byte[] validFrames() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(frame(0x81, new byte[0]));
        s.writeBytes(frame(0x82, new byte[] {42}));
        s.writeBytes(frame(0x81, ascii(125)));
        s.writeBytes(frame(0x82, Hex.counting(126)));
        s.writeBytes(frame(0x82, Hex.counting(65535)));
        s.writeBytes(frame(0x82, Hex.counting(65536)));
        byte[] euro = utf8("€");
        s.writeBytes(frame(0x01, new byte[] {'x', euro[0]}));
        s.writeBytes(frame(0x89, utf8("ping in the middle")));
        s.writeBytes(frame(0x00, new byte[] {euro[1]}));
        s.writeBytes(frame(0x8A, new byte[0]));
        s.writeBytes(frame(0x00, new byte[0]));
        s.writeBytes(frame(0x80, new byte[] {euro[2], 'y'}));
        s.writeBytes(frame(0x02, Hex.counting(300)));
        s.writeBytes(frame(0x00, new byte[0]));
        s.writeBytes(frame(0x89, ascii(125)));
        s.writeBytes(frame(0x80, Hex.counting(70)));
        s.writeBytes(frame(0x81, utf8("😀 κόσμε ".repeat(20))));
        s.writeBytes(frame(0x88, new byte[] {0x03, (byte) 0xE8, 'o', 'k'}));
        return s.toByteArray();
    }

    /** The bytes a peer of {@code receiver} sends: masked towards a server. */
    static byte[] wire(Role receiver, byte[] unmasked) {
        return receiver == Role.SERVER ? Hex.mask(unmasked, 0x5a3c0f91) : unmasked;
    }

    record Run(List<String> events, String output) {}

    static Run run(Role role, ProtocolConfig config, byte[] stream, int[] chunkSizes) {
        ProtocolRecorder rec = new ProtocolRecorder();
        Protocol p = rec.builder(role).config(config).build();
        byte[] copy = stream.clone(); // the engine unmasks in place
        int at = 0;
        for (int size : chunkSizes) {
            p.receive(ByteBuffer.wrap(copy, at, size));
            at += size;
        }
        return new Run(rec.takeEvents(), rec.takeOutput());
    }

    static int[] whole(byte[] stream) {
        return new int[] {stream.length};
    }

    static int[] ones(byte[] stream) {
        int[] sizes = new int[stream.length];
        Arrays.fill(sizes, 1);
        return sizes;
    }

    static int[] random(byte[] stream, long seed) {
        Random random = new Random(seed);
        List<Integer> sizes = new ArrayList<>();
        for (int left = stream.length; left > 0; ) {
            int n =
                    switch (random.nextInt(4)) {
                        case 0 -> 1 + random.nextInt(3);
                        case 1 -> 1 + random.nextInt(20);
                        case 2 -> 1 + random.nextInt(200);
                        default -> 1 + random.nextInt(40_000);
                    };
            n = Math.min(n, left);
            sizes.add(n);
            left -= n;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static Stream<Arguments> modes() {
        List<Arguments> modes = new ArrayList<>();
        for (Role role : Role.values()) {
            for (boolean assemble : new boolean[] {true, false}) {
                modes.add(Arguments.of(
                        role, LIMITS.toBuilder().assembleMessages(assemble).build()));
            }
        }
        return modes.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modes")
    void validStreamGivesTheSameEventsHoweverItIsSplit(Role role, ProtocolConfig config) {
        byte[] stream = wire(role, validFrames());
        Run expected = run(role, config, stream, whole(stream));
        assertThat(expected.events()).hasSize(config.assembleMessages() ? 13 : 18);
        assertThat(expected.events().get(0)).isEqualTo(config.assembleMessages() ? "text:" : "fragment(text,last)[0]:");
        assertThat(expected.events().get(expected.events().size() - 1)).isEqualTo("close:1000,ok,true,null");
        if (config.assembleMessages()) {
            assertThat(expected.events()).contains("text:x€y", "ping[18]:" + Hex.of(utf8("ping in the middle")));
        }

        assertThat(run(role, config, stream, ones(stream))).isEqualTo(expected);
        for (long seed = 0; seed < 60; seed++) {
            assertThat(run(role, config, stream, random(stream, seed)))
                    .as("seed %d", seed)
                    .isEqualTo(expected);
        }
    }

    static Stream<Arguments> invalidStreams() {
        byte[] prefix = Arrays.copyOf(validFrames(), validFrames().length - 6); // all but the close
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of(Violation.RESERVED_OPCODE, prefix, Hex.bytes("85 00")));
        cases.add(Arguments.of(Violation.RESERVED_BITS, prefix, Hex.bytes("e2 01 00")));
        cases.add(Arguments.of(Violation.CONTROL_FRAME_TOO_LONG, prefix, Hex.bytes("89 7e 00 7e")));
        cases.add(Arguments.of(Violation.FRAGMENTED_CONTROL_FRAME, prefix, Hex.bytes("0a 00")));
        cases.add(Arguments.of(Violation.NON_MINIMAL_LENGTH, prefix, Hex.bytes("82 7e 00 05 01 02 03 04 05")));
        cases.add(Arguments.of(Violation.LENGTH_TOP_BIT_SET, prefix, Hex.bytes("82 7f ff 00 00 00 00 00 00 01")));
        cases.add(Arguments.of(Violation.FRAME_TOO_BIG, prefix, Hex.bytes("82 7f 00 00 00 00 00 01 11 71")));
        byte[] big = frame(0x02, Hex.counting(60_000));
        cases.add(Arguments.of(Violation.MESSAGE_TOO_BIG, prefix, concat(big, frame(0x80, Hex.counting(40_001)))));
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        many.writeBytes(frame(0x01, utf8("a")));
        for (int i = 0; i < 8; i++) {
            many.writeBytes(frame(0x00, new byte[0]));
        }
        cases.add(Arguments.of(Violation.TOO_MANY_FRAGMENTS, prefix, many.toByteArray()));
        cases.add(Arguments.of(Violation.CONTINUATION_WITHOUT_START, prefix, frame(0x80, utf8("x"))));
        cases.add(Arguments.of(
                Violation.NEW_MESSAGE_INSIDE_FRAGMENTED,
                prefix,
                concat(frame(0x01, utf8("x")), frame(0x82, new byte[3]))));
        cases.add(Arguments.of(Violation.CLOSE_PAYLOAD_ONE_BYTE, prefix, frame(0x88, new byte[] {3})));
        cases.add(Arguments.of(Violation.INVALID_CLOSE_CODE, prefix, frame(0x88, Hex.bytes("03 ed"))));
        cases.add(Arguments.of(Violation.INVALID_CLOSE_REASON_UTF8, prefix, frame(0x88, Hex.bytes("03 e8 c0 af"))));
        byte[] badText = ascii(300);
        badText[200] = (byte) 0xF8;
        cases.add(Arguments.of(Violation.INVALID_UTF8, prefix, concat(frame(0x01, ascii(100)), frame(0x80, badText))));
        cases.add(Arguments.of(Violation.INVALID_UTF8, prefix, frame(0x81, Hex.bytes("f0 9f 98"))));
        return cases.stream();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidStreams")
    void invalidStreamFailsTheSameWayHoweverItIsSplit(Violation violation, byte[] prefix, byte[] bad) {
        for (Role role : Role.values()) {
            byte[] stream = wire(role, concat(prefix, bad));
            Run expected = run(role, LIMITS, stream, whole(stream));
            assertThat(expected.events()).hasSize(13);
            assertThat(expected.events().get(12))
                    .isEqualTo("close:" + violation.closeCode() + "," + violation.reason() + ",false," + violation);
            assertThat(run(role, LIMITS, stream, ones(stream))).isEqualTo(expected);
            for (long seed = 0; seed < 20; seed++) {
                assertThat(run(role, LIMITS, stream, random(stream, seed)))
                        .as("seed %d", seed)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void wronglyMaskedFrameFailsTheSameWayHoweverItIsSplit() {
        byte[] prefix = Arrays.copyOf(validFrames(), validFrames().length - 6);
        for (Role role : Role.values()) {
            // The offending frame is appended after masking: unmasked towards a server, masked towards a client.
            byte[] bad = role == Role.SERVER ? frame(0x81, utf8("hi")) : Hex.mask(frame(0x81, utf8("hi")), 1);
            byte[] stream = concat(wire(role, prefix), bad);
            Violation violation = role == Role.SERVER ? Violation.UNMASKED_CLIENT_FRAME : Violation.MASKED_SERVER_FRAME;
            Run expected = run(role, LIMITS, stream, whole(stream));
            assertThat(expected.events().get(expected.events().size() - 1)).endsWith("," + violation);
            assertThat(run(role, LIMITS, stream, ones(stream))).isEqualTo(expected);
            for (long seed = 0; seed < 20; seed++) {
                assertThat(run(role, LIMITS, stream, random(stream, seed))).isEqualTo(expected);
            }
        }
    }
}
