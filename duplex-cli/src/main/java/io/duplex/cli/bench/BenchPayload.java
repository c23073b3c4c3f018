package io.duplex.cli.bench;

import io.duplex.SendResult;
import io.duplex.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages {@code duplex bench} sends: {@code size} bytes whose head carries a time stamp —
 * 8 bytes big-endian in a binary message, 16 hex digits in a text message (text must be UTF-8) —
 * and whose rest is a fixed printable pattern. An echo or a broadcast copy brings its own stamp
 * back, so a receipt is matched to its send without any map or queue.
 *
 * <p>Stamps are nanoseconds since the run's origin (so never negative); {@link #INVALID} marks a
 * message that is not one of ours (wrong size, type, stamp or, with {@code --verify}, content).
 *
 * <p>Threading: the checks are stateless and safe from any thread; a {@link Sender} is confined to
 * the one thread that sends with it (an event loop, or the pacer).
 */
final class BenchPayload {
    static final long INVALID = Long.MIN_VALUE;
    static final int BINARY_STAMP = 8;
    static final int TEXT_STAMP = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    final int size;
    final boolean binary;
    private final boolean verify;
    private final byte[] pattern;
    private final String patternText;
    private final ByteBuffer patternTail;

    BenchPayload(int size, boolean binary, boolean verify) {
        if (size < (binary ? BINARY_STAMP : TEXT_STAMP)) {
            throw new IllegalArgumentException("payload too small for its time stamp");
        }
        this.size = size;
        this.binary = binary;
        this.verify = verify;
        this.pattern = new byte[size];
        for (int i = 0; i < size; i++) {
            pattern[i] = (byte) ('a' + (i * 7) % 26);
        }
        this.patternText = new String(pattern, StandardCharsets.ISO_8859_1);
        this.patternTail = ByteBuffer.wrap(pattern, BINARY_STAMP, size - BINARY_STAMP)
                .slice()
                .asReadOnlyBuffer();
    }

    /** A sender with its own copy of the pattern, for one thread. */
    Sender sender() {
        return new Sender();
    }

    /** Sends stamped messages; reuses one buffer (the library copies or writes it before returning). */
    final class Sender {
        private final byte[] bytes = pattern.clone();
        private final ByteBuffer buffer = ByteBuffer.wrap(bytes);

        SendResult send(WebSocket ws, long stamp) {
            if (binary) {
                buffer.clear();
                buffer.putLong(0, stamp);
                return ws.send(buffer);
            }
            for (int i = TEXT_STAMP - 1; i >= 0; i--) {
                bytes[i] = HEX[(int) (stamp & 0xF)];
                stamp >>>= 4;
            }
            // ISO-8859-1 of ASCII: one array copy, and the String is already compact.
            return ws.send(new String(bytes, 0, size, StandardCharsets.ISO_8859_1));
        }
    }

    /** The stamp of a received text message, or {@link #INVALID}. */
    long stamp(String text) {
        if (binary || text.length() != size) {
            return INVALID;
        }
        long stamp = 0;
        for (int i = 0; i < TEXT_STAMP; i++) {
            char c = text.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return INVALID;
            }
            stamp = (stamp << 4) | digit;
        }
        if (verify && !text.regionMatches(TEXT_STAMP, patternText, TEXT_STAMP, size - TEXT_STAMP)) {
            return INVALID;
        }
        return stamp < 0 ? INVALID : stamp;
    }

    /** The stamp of a received binary message, or {@link #INVALID}. */
    long stamp(ByteBuffer data) {
        if (!binary || data.remaining() != size) {
            return INVALID;
        }
        int p = data.position();
        long stamp = 0;
        // RFC 6455 payloads have no byte order of their own; ours is big-endian, whatever the
        // buffer's order setting.
        for (int i = 0; i < BINARY_STAMP; i++) {
            stamp = (stamp << 8) | (data.get(p + i) & 0xFF);
        }
        if (verify && data.duplicate().position(p + BINARY_STAMP).mismatch(patternTail) != -1) {
            return INVALID;
        }
        return stamp < 0 ? INVALID : stamp;
    }
}
