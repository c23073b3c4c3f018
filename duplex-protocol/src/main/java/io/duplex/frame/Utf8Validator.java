package io.duplex.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation (RFC 3629, as required by RFC 6455 §8.1 for text messages and
 * §5.5.1 for close reasons). A DFA in the style of Björn Höhrmann's decoder: it rejects overlongs,
 * surrogates and code points above U+10FFFF, carries its state across fragment boundaries, and
 * stops at the first invalid byte so the connection fails fast. Pure ASCII runs are skipped 8
 * bytes at a time.
 *
 * <p>Threading: not thread-safe; one instance per message stream, confined to its connection.
 */
public final class Utf8Validator {
    /**
     * Views for the ASCII run: any byte order finds a high bit; the machine's own spares a byte
     * swap per 8 bytes. One view per kind of memory, as in {@link Masking}: the JDK's {@code
     * ByteBuffer} views share their code, and one that has seen heap buffers slows every direct
     * buffer's access (masking a 64 KiB frame through it ran 10× slower after this validator had
     * read heap buffers).
     */
    private static final VarHandle DIRECT_LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final VarHandle ARRAY_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** The DFA is between code points. */
    public static final int ACCEPT = 0;
    /** The DFA has seen an invalid byte; it stays here. */
    public static final int REJECT = 12;

    // Byte -> character class.
    private static final byte[] CLASS = new byte[256];
    // (state + class) -> next state; states are multiples of 12.
    private static final byte[] TRANSITION = {
        0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, // state 0
        12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, // 12: reject
        12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, // 24: one continuation left
        12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, // 36: two left
        12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, // 48: after E0 (A0..BF)
        12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, // 60: after ED (80..9F)
        12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, // 72: after F0 (90..BF)
        12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, // 84: after F1..F3
        12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, // 96: after F4 (80..8F)
    };

    static {
        for (int b = 0x80; b <= 0x8F; b++) CLASS[b] = 1;
        for (int b = 0x90; b <= 0x9F; b++) CLASS[b] = 9;
        for (int b = 0xA0; b <= 0xBF; b++) CLASS[b] = 7;
        CLASS[0xC0] = 8;
        CLASS[0xC1] = 8;
        for (int b = 0xC2; b <= 0xDF; b++) CLASS[b] = 2;
        CLASS[0xE0] = 10;
        for (int b = 0xE1; b <= 0xEC; b++) CLASS[b] = 3;
        CLASS[0xED] = 4;
        CLASS[0xEE] = 3;
        CLASS[0xEF] = 3;
        CLASS[0xF0] = 11;
        for (int b = 0xF1; b <= 0xF3; b++) CLASS[b] = 6;
        CLASS[0xF4] = 5;
        for (int b = 0xF5; b <= 0xFF; b++) CLASS[b] = 8;
    }

    private int state = ACCEPT;

    /** A validator at the start of a message: between code points. */
    public Utf8Validator() {}

    /**
     * Feeds {@code buf[from, to)} (absolute indices; position and limit untouched).
     *
     * @return {@code -1} if every byte so far is valid (the message may still end mid-character,
     *     see {@link #isComplete()}), else the absolute index of the first invalid byte; once
     *     rejected, every later call returns {@code from}
     */
    public int validate(ByteBuffer buf, int from, int to) {
        if (state == REJECT) {
            return from;
        }
        int s = state;
        int i = from;
        while (i < to) {
            if (s == ACCEPT) {
                if (buf.isDirect()) {
                    i = asciiRun(buf, i, to);
                } else if (buf.hasArray()) {
                    i = asciiRun(buf.array(), buf.arrayOffset(), i, to);
                } // else a read-only heap buffer: byte by byte below, which keeps its class out of the views
                if (i == to) {
                    break;
                }
            }
            s = TRANSITION[s + CLASS[buf.get(i) & 0xFF]];
            if (s == REJECT) {
                state = REJECT;
                return i;
            }
            i++;
        }
        state = s;
        return -1;
    }

    /** ASCII fast path: skips 8 bytes at a time while no high bit is set; returns where it stopped. */
    private static int asciiRun(ByteBuffer direct, int i, int to) {
        while (i + 8 <= to && ((long) DIRECT_LONGS.get(direct, i) & 0x8080_8080_8080_8080L) == 0) {
            i += 8;
        }
        return i;
    }

    /** The same in a heap buffer's array ({@code base} is its array offset; indices are the buffer's). */
    private static int asciiRun(byte[] a, int base, int i, int to) {
        while (i + 8 <= to && ((long) ARRAY_LONGS.get(a, base + i) & 0x8080_8080_8080_8080L) == 0) {
            i += 8;
        }
        return i;
    }

    /** Feeds the buffer's remaining bytes without moving its position; see {@link #validate(ByteBuffer, int, int)}. */
    public int validate(ByteBuffer buf) {
        return validate(buf, buf.position(), buf.limit());
    }

    /** True when everything fed so far is valid and ends on a character boundary. */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** True once an invalid byte has been seen. */
    public boolean isRejected() {
        return state == REJECT;
    }

    /** The DFA state, to {@link #restore} it if the bytes just fed are refused by the caller. */
    public int state() {
        return state;
    }

    /** Returns to a state from {@link #state()}. */
    public void restore(int saved) {
        state = saved;
    }

    /** Starts over for a new message. */
    public void reset() {
        state = ACCEPT;
    }

    /** Validates a whole byte sequence at once. */
    public static boolean isValid(ByteBuffer buf) {
        Utf8Validator v = new Utf8Validator();
        return v.validate(buf) < 0 && v.isComplete();
    }
}
