package io.duplex.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DFA against the JDK's strict decoder. The JDK says whether a sequence is valid UTF-8; the
 * index of the first invalid byte is the first position at which the prefix can no longer be
 * completed into valid UTF-8 (the DFA's fail-fast point), found by asking the JDK about the prefix
 * followed by each possible kind of continuation.
 */
class Utf8ValidatorTest {

    private static final CharsetDecoder JDK = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Enough completions for any viable prefix: the second byte ranges after E0, ED, F0, F4. */
    private static final byte[][] COMPLETIONS = {
        {},
        {(byte) 0x80},
        {(byte) 0x90},
        {(byte) 0xA0},
        {(byte) 0x80, (byte) 0x80},
        {(byte) 0x90, (byte) 0x80},
        {(byte) 0xA0, (byte) 0x80},
        {(byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xA0, (byte) 0x80, (byte) 0x80},
    };

    /** Bytes at the edges of every class of the DFA. */
    private static final int[] EDGES = {
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
        0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
    };

    private static final CharBuffer OUT = CharBuffer.allocate(1024);

    static boolean jdkValid(byte[] b) {
        JDK.reset();
        OUT.clear();
        ByteBuffer in = ByteBuffer.wrap(b);
        return !JDK.decode(in, OUT, true).isError() && !JDK.flush(OUT).isError() && !in.hasRemaining();
    }

    static boolean viablePrefix(byte[] b, int length) {
        for (byte[] c : COMPLETIONS) {
            byte[] candidate = Arrays.copyOf(b, length + c.length);
            System.arraycopy(c, 0, candidate, length, c.length);
            if (jdkValid(candidate)) {
                return true;
            }
        }
        return false;
    }

    /** The reference: the index of the first invalid byte, or -1. Viability is monotone: bisect. */
    static int firstInvalid(byte[] b) {
        if (viablePrefix(b, b.length)) {
            return -1;
        }
        int lo = 0; // viable
        int hi = b.length; // not viable
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (viablePrefix(b, mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi - 1;
    }

    /** Checks {@code b} whole and split at every position, placed at an offset in a buffer. */
    static void check(byte[] b, int offset) {
        int bad = firstInvalid(b);
        boolean complete = bad < 0 && jdkValid(b);
        ByteBuffer buf = ByteBuffer.allocate(offset + b.length + 3);
        buf.position(offset);
        buf.put(b);
        int end = offset + b.length;
        String what = Hex.of(b);

        Utf8Validator whole = new Utf8Validator();
        assertThat(whole.validate(buf, offset, end)).as(what).isEqualTo(bad < 0 ? -1 : offset + bad);
        assertThat(whole.isComplete()).as(what).isEqualTo(complete);
        assertThat(whole.isRejected()).as(what).isEqualTo(bad >= 0);
        assertThat(Utf8Validator.isValid(ByteBuffer.wrap(b))).as(what).isEqualTo(complete);

        for (int split = 0; split <= b.length; split++) {
            Utf8Validator v = new Utf8Validator();
            int first = v.validate(buf, offset, offset + split);
            if (bad >= 0 && bad < split) {
                assertThat(first).as("%s split at %d", what, split).isEqualTo(offset + bad);
                continue;
            }
            assertThat(first).as("%s split at %d", what, split).isEqualTo(-1);
            assertThat(v.validate(buf, offset + split, end))
                    .as("%s split at %d", what, split)
                    .isEqualTo(bad < 0 ? -1 : offset + bad);
            assertThat(v.isComplete()).as("%s split at %d", what, split).isEqualTo(complete);
        }
    }

    @Test
    void referenceAgreesWithTheJdkOnCompleteness() {
        assertThat(jdkValid(Hex.bytes("e2 82 ac"))).isTrue();
        assertThat(jdkValid(Hex.bytes("e2 82"))).isFalse();
        assertThat(firstInvalid(Hex.bytes("e2 82"))).isEqualTo(-1);
        assertThat(firstInvalid(Hex.bytes("e2 41"))).isEqualTo(1);
    }

    @Test
    void exhaustiveOneAndTwoByteSequences() {
        for (int a = 0; a < 256; a++) {
            check(new byte[] {(byte) a}, a & 7);
            for (int b = 0; b < 256; b++) {
                check(new byte[] {(byte) a, (byte) b}, b & 7);
            }
        }
    }

    @Test
    void structuredThreeByteSequences() {
        for (int a : EDGES) {
            for (int b = 0; b < 256; b++) {
                for (int c : EDGES) {
                    check(new byte[] {(byte) a, (byte) b, (byte) c}, c & 7);
                }
            }
        }
    }

    @Test
    void structuredAndRandomFourByteSequences() {
        for (int a : new int[] {0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xE0, 0xED}) {
            for (int b : EDGES) {
                for (int c : EDGES) {
                    for (int d : EDGES) {
                        check(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, d & 7);
                    }
                }
            }
        }
        Random random = new Random(3629);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[4];
            for (int j = 0; j < 4; j++) {
                b[j] = (byte) (random.nextBoolean() ? EDGES[random.nextInt(EDGES.length)] : random.nextInt(256));
            }
            check(b, i & 7);
        }
    }

    @Test
    void randomTextWithOccasionalDamage() {
        Random random = new Random(8);
        for (int i = 0; i < 5000; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(30);
            for (int j = 0; j < n; j++) {
                int cp =
                        switch (random.nextInt(5)) {
                            case 0 -> 0x80 + random.nextInt(0x780); // 2 bytes
                            case 1 -> 0x800 + random.nextInt(0xD000); // 3 bytes
                            case 2 -> 0x10000 + random.nextInt(0x100000); // 4 bytes
                            default -> random.nextInt(0x80); // ASCII
                        };
                s.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? 'x' : cp);
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            if (b.length > 0 && random.nextInt(3) == 0) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (b.length > 0 && random.nextInt(4) == 0) {
                b = Arrays.copyOf(b, random.nextInt(b.length));
            }
            check(b, i & 7);
        }
    }

    @Test
    void namedInvalidSequences() {
        assertFirstInvalid("c0 80", 0); // overlong NUL
        assertFirstInvalid("c1 bf", 0); // overlong
        assertFirstInvalid("e0 80 80", 1); // overlong 3-byte
        assertFirstInvalid("e0 9f bf", 1); // overlong 3-byte
        assertFirstInvalid("f0 80 80 80", 1); // overlong 4-byte
        assertFirstInvalid("f0 8f bf bf", 1); // overlong 4-byte
        assertFirstInvalid("ed a0 80", 1); // surrogate U+D800
        assertFirstInvalid("ed bf bf", 1); // surrogate U+DFFF
        assertFirstInvalid("f4 90 80 80", 1); // U+110000
        assertFirstInvalid("80", 0); // lone continuation
        assertFirstInvalid("41 e2 82 41", 3); // truncated then ASCII
        for (int b = 0xF5; b <= 0xFF; b++) {
            assertFirstInvalid(Integer.toHexString(b), 0);
        }
        // The largest valid code points just below the limits.
        assertThat(Utf8Validator.isValid(Hex.buf("ed 9f bf"))).isTrue(); // U+D7FF
        assertThat(Utf8Validator.isValid(Hex.buf("ee 80 80"))).isTrue(); // U+E000
        assertThat(Utf8Validator.isValid(Hex.buf("f4 8f bf bf"))).isTrue(); // U+10FFFF
        assertThat(Utf8Validator.isValid(Hex.buf("ce ba e1 bd b9 cf 83 ce bc ce b5")))
                .isTrue(); // κόσμε
    }

    private static void assertFirstInvalid(String hex, int index) {
        byte[] b = Hex.bytes(hex);
        assertThat(new Utf8Validator().validate(ByteBuffer.wrap(b), 0, b.length))
                .as(hex)
                .isEqualTo(index);
        assertThat(firstInvalid(b)).as("reference " + hex).isEqualTo(index);
    }

    /**
     * The ASCII run reads a heap buffer's array, a direct buffer in place, and a read-only heap
     * buffer (no array to read) byte by byte: all find the same first invalid byte.
     */
    @Test
    void asciiFastPathFindsTheExactIndexAcrossWordBoundaries() {
        List<java.util.function.Function<byte[], ByteBuffer>> kinds = List.of(
                ByteBuffer::wrap,
                b -> ByteBuffer.allocate(b.length + 5)
                        .position(5)
                        .slice()
                        .put(b)
                        .clear(),
                b -> ByteBuffer.allocateDirect(b.length).put(b).clear(),
                b -> ByteBuffer.wrap(b).asReadOnlyBuffer());
        for (var kind : kinds) {
            for (int offset = 0; offset < 8; offset++) {
                for (int length = 1; length <= 40; length++) {
                    for (int at = 0; at < length; at++) {
                        byte[] b = new byte[offset + length];
                        Arrays.fill(b, (byte) 'a');
                        b[offset + at] = (byte) 0xFF;
                        ByteBuffer buf = kind.apply(b);
                        assertThat(new Utf8Validator().validate(buf, offset, offset + length))
                                .isEqualTo(offset + at);
                        // A valid two-byte character at the same place.
                        byte[] c = new byte[offset + length + 1];
                        Arrays.fill(c, (byte) 'a');
                        c[offset + at] = (byte) 0xC3;
                        c[offset + at + 1] = (byte) 0xA9;
                        Utf8Validator v = new Utf8Validator();
                        assertThat(v.validate(kind.apply(c), offset, c.length)).isEqualTo(-1);
                        assertThat(v.isComplete()).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void asciiFastPathOnDirectAndLittleEndianBuffers() {
        byte[] text = "0123456789abcdefghijklmnopqrstuvwxyz\u00e9!".getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(text.length).put(text).flip();
        assertThat(Utf8Validator.isValid(direct)).isTrue();
        direct.put(20, (byte) 0x80);
        assertThat(new Utf8Validator().validate(direct)).isEqualTo(20);
        ByteBuffer little = ByteBuffer.wrap(text).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(Utf8Validator.isValid(little)).isTrue();
    }

    @Test
    void validateUsesPositionAndLimitWithoutMovingThem() {
        ByteBuffer b = Hex.buf("ff 41 42 c3 a9 ff");
        b.position(1).limit(5);
        Utf8Validator v = new Utf8Validator();
        assertThat(v.validate(b)).isEqualTo(-1);
        assertThat(v.isComplete()).isTrue();
        assertThat(b.position()).isEqualTo(1);
        assertThat(b.limit()).isEqualTo(5);
    }

    @Test
    void stateCarriesAcrossCallsAndResetStartsOver() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.validate(Hex.buf("e2"))).isEqualTo(-1);
        assertThat(v.isComplete()).isFalse();
        assertThat(v.isRejected()).isFalse();
        assertThat(v.validate(Hex.buf("82"))).isEqualTo(-1);
        assertThat(v.validate(Hex.buf("ac"))).isEqualTo(-1);
        assertThat(v.isComplete()).isTrue();

        assertThat(v.validate(Hex.buf("e2 41"))).isEqualTo(1);
        assertThat(v.isRejected()).isTrue();
        assertThat(v.isComplete()).isFalse();
        v.reset();
        assertThat(v.isComplete()).isTrue();
        assertThat(v.validate(Hex.buf("41"))).isEqualTo(-1);
    }

    @Test
    void onceRejectedEveryLaterCallReportsItsFirstByte() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.validate(Hex.buf("ff"))).isEqualTo(0);
        ByteBuffer ascii = Hex.buf("41 42 43 44 45 46 47 48 49");
        assertThat(v.validate(ascii, 2, 9)).isEqualTo(2);
        assertThat(v.validate(ascii, 4, 4)).isEqualTo(4);
        assertThat(v.isRejected()).isTrue();
    }
}
