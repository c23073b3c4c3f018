package io.duplex.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.duplex.testing.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameParserTest {

    /** Records callbacks; payload chunks are merged per frame so any split compares equal. */
    static final class Calls implements FrameParser.Listener {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int payloadCalls;

        @Override
        public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {
            calls.add((fin ? "fin " : "") + (rsv != 0 ? "rsv" + Integer.toHexString(rsv) + " " : "") + opcode + " "
                    + length);
        }

        @Override
        public void onFramePayload(ByteBuffer p) {
            payloadCalls++;
            payload.writeBytes(Hex.toArray(p));
        }

        @Override
        public void onFrameEnd() {
            if (payload.size() > 0) {
                byte[] b = payload.toByteArray();
                calls.add(b.length <= 16 ? Hex.of(b) : "[" + b.length + " bytes, sum " + sum(b) + "]");
            }
            payload.reset();
            calls.add("end");
        }

        private static long sum(byte[] b) {
            long s = 0;
            for (int i = 0; i < b.length; i++) {
                s = s * 31 + b[i];
            }
            return s;
        }
    }

    private static List<String> parse(boolean expectMasked, String hex) {
        Calls calls = new Calls();
        new FrameParser(expectMasked, 1 << 20, calls).parse(Hex.buf(hex));
        return calls.calls;
    }

    private static Violation violation(boolean expectMasked, long maxFrameSize, String hex) {
        FrameParser parser = new FrameParser(expectMasked, maxFrameSize, new Calls());
        return catchThrowableOfType(ProtocolViolationException.class, () -> parser.parse(Hex.buf(hex)))
                .violation();
    }

    private static Violation violation(boolean expectMasked, String hex) {
        return violation(expectMasked, 1 << 20, hex);
    }

    @Test
    void clientParsesUnmaskedTextFrame() {
        assertThat(parse(false, "81 05 48 65 6c 6c 6f")).containsExactly("fin TEXT 5", "48 65 6c 6c 6f", "end");
    }

    @Test
    void serverParsesAndUnmasksMaskedTextFrameInPlace() {
        Calls calls = new Calls();
        ByteBuffer in = Hex.buf("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        new FrameParser(true, 1 << 20, calls).parse(in);
        assertThat(calls.calls).containsExactly("fin TEXT 5", "48 65 6c 6c 6f", "end");
        assertThat(in.hasRemaining()).isFalse();
        assertThat(Hex.of(in.array())).isEqualTo("81 85 37 fa 21 3d 48 65 6c 6c 6f");
    }

    @Test
    void parsesFragmentsControlFramesAndEmptyFrames() {
        assertThat(parse(false, "01 03 48 65 6c 89 00 80 02 6c 6f 8a 01 41 02 00"))
                .containsExactly(
                        "TEXT 3",
                        "48 65 6c",
                        "end",
                        "fin PING 0",
                        "end",
                        "fin CONTINUATION 2",
                        "6c 6f",
                        "end",
                        "fin PONG 1",
                        "41",
                        "end",
                        "BINARY 0",
                        "end");
    }

    @Test
    void parsesSixteenAndSixtyFourBitLengthsAtTheirBoundaries() {
        assertThat(parse(false, "82 7d " + Hex.of(new byte[125]))).startsWith("fin BINARY 125");
        assertThat(parse(false, "82 7e 00 7e " + Hex.of(new byte[126]))).startsWith("fin BINARY 126");
        assertThat(parse(false, "82 7e ff ff " + Hex.of(new byte[65535]))).startsWith("fin BINARY 65535");
        assertThat(parse(false, "82 7f 00 00 00 00 00 01 00 00 " + Hex.of(new byte[65536])))
                .startsWith("fin BINARY 65536");
    }

    @Test
    void anySplitOfTheInputGivesTheSameFrames() {
        byte[] payload = Hex.counting(70_000);
        ByteBuffer stream = ByteBuffer.allocate(200_000);
        stream.put(Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")); // masked "Hello"
        stream.put(Hex.bytes("89 80 01 02 03 04")); // empty masked ping
        stream.put(Hex.bytes("02 fe 01 2c 11 22 33 44")).put(maskedCopy(payload, 300, 0x11223344));
        stream.put(Hex.bytes("80 ff 00 00 00 00 00 01 11 70 a1 b2 c3 d4")).put(maskedCopy(payload, 70_000, 0xa1b2c3d4));
        stream.put(Hex.bytes("88 82 00 00 00 00 03 e8")); // close 1000, key 0
        byte[] all = Arrays.copyOf(stream.array(), stream.position());

        List<String> expected = parseChunked(all, new int[] {all.length});
        assertThat(expected)
                .containsExactly(
                        "fin TEXT 5",
                        "48 65 6c 6c 6f",
                        "end",
                        "fin PING 0",
                        "end",
                        "BINARY 300",
                        "[300 bytes, sum " + Calls.sum(Arrays.copyOf(payload, 300)) + "]",
                        "end",
                        "fin CONTINUATION 70000",
                        "[70000 bytes, sum " + Calls.sum(payload) + "]",
                        "end",
                        "fin CLOSE 2",
                        "03 e8",
                        "end");
        // Split in two at every point of the headers and the small frames, one byte at a time, and
        // at random points.
        for (int split = 0; split < 400; split++) {
            assertThat(parseChunked(all, new int[] {split, all.length - split}))
                    .as("split %d", split)
                    .isEqualTo(expected);
        }
        int[] ones = new int[all.length];
        Arrays.fill(ones, 1);
        assertThat(parseChunked(all, ones)).isEqualTo(expected);
        Random random = new Random(14);
        for (int seed = 0; seed < 50; seed++) {
            List<Integer> sizes = new ArrayList<>();
            for (int left = all.length; left > 0; ) {
                int n = Math.min(left, random.nextBoolean() ? random.nextInt(16) : random.nextInt(20_000));
                sizes.add(n);
                left -= n;
            }
            assertThat(parseChunked(
                            all, sizes.stream().mapToInt(Integer::intValue).toArray()))
                    .isEqualTo(expected);
        }
    }

    private static byte[] maskedCopy(byte[] payload, int length, int key) {
        byte[] b = Arrays.copyOf(payload, length);
        Masking.mask(ByteBuffer.wrap(b), 0, length, key);
        return b;
    }

    private static List<String> parseChunked(byte[] all, int[] sizes) {
        Calls calls = new Calls();
        FrameParser parser = new FrameParser(true, 1 << 20, calls);
        byte[] copy = all.clone();
        int at = 0;
        for (int size : sizes) {
            ByteBuffer chunk = ByteBuffer.wrap(copy, at, size);
            parser.parse(chunk);
            assertThat(chunk.hasRemaining()).isFalse();
            at += size;
        }
        assertThat(at).isEqualTo(all.length);
        assertThat(parser.atFrameBoundary()).isTrue();
        return calls.calls;
    }

    @Test
    void serverRejectsUnmaskedFrame() {
        assertThat(violation(true, "81 05 48 65 6c 6c 6f")).isEqualTo(Violation.UNMASKED_CLIENT_FRAME);
    }

    @Test
    void clientRejectsMaskedFrame() {
        assertThat(violation(false, "81 85 37 fa 21 3d 7f 9f 4d 51 58")).isEqualTo(Violation.MASKED_SERVER_FRAME);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void rejectsReservedOpcodes(int opcode) {
        String b0 = Integer.toHexString(0x80 | opcode);
        assertThat(violation(false, b0 + " 00")).isEqualTo(Violation.RESERVED_OPCODE);
        assertThat(violation(true, b0 + " 80 00 00 00 00")).isEqualTo(Violation.RESERVED_OPCODE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c1", "a1", "91", "f1", "c9"})
    void rejectsRsvBitsNoExtensionClaims(String b0) {
        assertThat(violation(false, b0 + " 00")).isEqualTo(Violation.RESERVED_BITS);
    }

    @Test
    void acceptsRsvBitsAnExtensionClaimsAndPassesThemOn() {
        Calls calls = new Calls();
        FrameParser parser = new FrameParser(false, 1 << 20, calls);
        parser.allowedRsv(Rsv.RSV1 | 0x0F); // bits outside RSV are ignored
        parser.parse(Hex.buf("c1 01 41"));
        assertThat(calls.calls).containsExactly("fin rsv40 TEXT 1", "41", "end");
        assertThatThrownBy(() -> parser.parse(Hex.buf("a1 00")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.RESERVED_BITS));
    }

    @Test
    void rejectsControlFramesOverOneHundredTwentyFiveBytesFromTheFirstTwoBytes() {
        assertThat(violation(false, "89 7e")).isEqualTo(Violation.CONTROL_FRAME_TOO_LONG);
        assertThat(violation(false, "8a 7f")).isEqualTo(Violation.CONTROL_FRAME_TOO_LONG);
        assertThat(violation(true, "88 fe")).isEqualTo(Violation.CONTROL_FRAME_TOO_LONG);
        assertThat(parse(false, "89 7d " + Hex.of(new byte[125]))).startsWith("fin PING 125");
    }

    @Test
    void rejectsFragmentedControlFrames() {
        assertThat(violation(false, "09 00")).isEqualTo(Violation.FRAGMENTED_CONTROL_FRAME);
        assertThat(violation(false, "08 00")).isEqualTo(Violation.FRAGMENTED_CONTROL_FRAME);
        assertThat(violation(true, "0a 80")).isEqualTo(Violation.FRAGMENTED_CONTROL_FRAME);
    }

    @Test
    void rejectsNonMinimalLengths() {
        assertThat(violation(false, "82 7e 00 7d")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
        assertThat(violation(false, "82 7e 00 00")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
        assertThat(violation(false, "82 7f 00 00 00 00 00 00 ff ff")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
        assertThat(violation(false, "82 7f 00 00 00 00 00 00 00 05")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
        assertThat(violation(true, "82 fe 00 7d 00 00 00 00")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
    }

    @Test
    void rejectsSixtyFourBitLengthWithTopBitSet() {
        assertThat(violation(false, Long.MAX_VALUE, "82 7f 80 00 00 00 00 00 00 00"))
                .isEqualTo(Violation.LENGTH_TOP_BIT_SET);
        assertThat(violation(false, Long.MAX_VALUE, "82 7f ff ff ff ff ff ff ff ff"))
                .isEqualTo(Violation.LENGTH_TOP_BIT_SET);
    }

    @Test
    void rejectsFrameOverTheLimitFromItsHeaderAlone() {
        Calls calls = new Calls();
        FrameParser parser = new FrameParser(true, 1000, calls);
        parser.parse(Hex.buf("82 fe 03 e9 37 fa 21")); // all but the last mask key byte: no decision yet
        assertThatThrownBy(() -> parser.parse(Hex.buf("3d")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.FRAME_TOO_BIG));
        assertThat(calls.calls).isEmpty();
        assertThat(violation(false, 1000, "82 7f 00 00 00 00 00 01 00 00")).isEqualTo(Violation.FRAME_TOO_BIG);
        assertThat(parse(false, "82 7e 03 e8")).containsExactly("fin BINARY 1000");
    }

    @Test
    void frameSizeLimitCanChangeBetweenFrames() {
        Calls calls = new Calls();
        FrameParser parser = new FrameParser(false, 1000, calls);
        parser.parse(Hex.buf("82 7e 03 e8"));
        parser.parse(ByteBuffer.allocate(1000));
        parser.maxFrameSize(200);
        assertThatThrownBy(() -> parser.parse(Hex.buf("82 7e 00 c9")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.FRAME_TOO_BIG));
    }

    @Test
    void firstTwoByteRulesFireBeforeTheRestOfTheHeaderArrives() {
        FrameParser parser = new FrameParser(true, 1 << 20, new Calls());
        parser.parse(Hex.buf("83")); // one byte: nothing decided
        assertThatThrownBy(() -> parser.parse(Hex.buf("fe")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.violation())
                        .isEqualTo(Violation.RESERVED_OPCODE));
    }

    @Test
    void tracksFrameBoundaries() {
        Calls calls = new Calls();
        FrameParser parser = new FrameParser(false, 1 << 20, calls);
        assertThat(parser.atFrameBoundary()).isTrue();
        parser.parse(Hex.buf("82"));
        assertThat(parser.atFrameBoundary()).isFalse();
        parser.parse(Hex.buf("7e 00"));
        assertThat(parser.atFrameBoundary()).isFalse();
        parser.parse(Hex.buf("80"));
        assertThat(parser.atFrameBoundary()).isFalse(); // in the payload now
        parser.parse(ByteBuffer.allocate(127));
        assertThat(parser.atFrameBoundary()).isFalse();
        parser.parse(ByteBuffer.allocate(1));
        assertThat(parser.atFrameBoundary()).isTrue();
        assertThat(calls.calls).hasSize(3);
        assertThat(calls.payloadCalls).isEqualTo(2);
    }

    @Test
    void payloadIsAWindowOfTheInputWhateverTheListenerDoesWithIt() {
        List<String> seen = new ArrayList<>();
        FrameParser parser = new FrameParser(false, 1 << 20, new FrameParser.Listener() {
            @Override
            public void onFrameHeader(boolean fin, int rsv, Opcode opcode, long length) {}

            @Override
            public void onFramePayload(ByteBuffer payload) {
                seen.add(payload.position() + ".." + payload.limit() + " " + Hex.of(payload));
                payload.position(payload.limit()); // consume it
                payload.limit(payload.capacity()); // and widen the window: the parser must not care
            }

            @Override
            public void onFrameEnd() {
                seen.add("end");
            }
        });
        ByteBuffer in = Hex.buf("ff 82 02 0a 0b 82 01 0c ff");
        in.position(1).limit(8);
        parser.parse(in);
        assertThat(seen).containsExactly("3..5 0a 0b", "end", "7..8 0c", "end");
        assertThat(in.position()).isEqualTo(8);
        assertThat(in.limit()).isEqualTo(8);
    }

    @Test
    void readsHeadersBigEndianWhateverTheInputsByteOrder() {
        for (ByteBuffer in : List.of(
                ByteBuffer.allocate(300).order(ByteOrder.LITTLE_ENDIAN),
                ByteBuffer.allocateDirect(300).order(ByteOrder.LITTLE_ENDIAN))) {
            in.put(Hex.bytes("82 fe 01 00 37 fa 21 3d")).put(maskedCopy(Hex.counting(256), 256, Hex.MASK_KEY));
            in.flip();
            Calls calls = new Calls();
            new FrameParser(true, 1 << 20, calls).parse(in);
            assertThat(calls.calls)
                    .containsExactly("fin BINARY 256", "[256 bytes, sum " + Calls.sum(Hex.counting(256)) + "]", "end");
        }
        ByteBuffer in64 = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        in64.put(Hex.bytes("82 7f 00 00 00 00 00 01 00 00")).flip();
        Calls calls = new Calls();
        new FrameParser(false, 1 << 20, calls).parse(in64);
        assertThat(calls.calls).containsExactly("fin BINARY 65536");
    }
}
