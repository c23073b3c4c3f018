package io.duplex.fuzz;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads structured choices from the front of a fuzz input, in order, so that a seed can be
 * written by hand: one byte per small choice, a length byte before each byte string. Past the end
 * every choice is 0 and every byte string empty.
 */
final class Cursor {
    private final byte[] data;
    private int at;

    Cursor(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return at < data.length;
    }

    int nextByte() {
        return at < data.length ? data[at++] & 0xFF : 0;
    }

    /** A big-endian 16-bit value. */
    int nextShort() {
        return (nextByte() << 8) | nextByte();
    }

    int nextInt() {
        return (nextShort() << 16) | nextShort();
    }

    /** {@code n} bytes (fewer at the end of the input). */
    byte[] nextBytes(int n) {
        int end = Math.min(data.length, at + Math.max(0, n));
        byte[] b = Arrays.copyOfRange(data, at, end);
        at = end;
        return b;
    }

    /** A length byte, then that many bytes. */
    byte[] nextBlob() {
        return nextBytes(nextByte());
    }

    /** A length (16 bits, up to {@code max}), then that many bytes. */
    byte[] nextLongBlob(int max) {
        return nextBytes(Math.min(nextShort(), max));
    }

    /**
     * Valid UTF-8 made from arbitrary bytes: invalid sequences become U+FFFD, so every byte the
     * fuzzer flips still gives text.
     */
    static byte[] utf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(raw))
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError(e);
        }
    }
}
