package io.duplex.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;

/**
 * RFC 6455 §5.3 masking: {@code transformed[i] = original[i] XOR maskKey[(offset + i) mod 4]}.
 * Works 8 bytes at a time through a {@link VarHandle} view, for heap and direct buffers alike, and
 * is offset-aware so a payload unmasked across several split reads gives the same bytes.
 *
 * <p>Threading: stateless; safe from any thread (callers own the buffers they pass).
 */
public final class Masking {
    /**
     * Views in the machine's own byte order: XOR works byte by byte, so the key only has to be laid
     * out in the same order. A big-endian view swapped the bytes of every load and store on a
     * little-endian machine and kept C2 from vectorizing the loop; in the machine's order it is
     * vectorized (MaskingBenchmark, 64 KiB direct: 3.4× the throughput).
     *
     * <p>One view per kind of memory, each in a loop of its own, and the {@code ByteBuffer} view
     * only ever given direct buffers: the JDK's {@code ByteBuffer} views share their code (and its
     * profile) across the process, and once one has read heap buffers, here or in {@link
     * Utf8Validator}, C2 compiles every direct access through it with a check it neither hoists
     * nor vectorizes. Unmasking 64 KiB frames in a direct buffer then ran 10× slower on JDK 17
     * ({@code MaskingBenchmark} with {@code polluted=true}; in the server, 21 % of the CPU of a 64
     * KiB echo).
     */
    private static final VarHandle DIRECT_LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final VarHandle ARRAY_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Masking() {}

    /**
     * XORs {@code buf[from, to)} in place with {@code maskKey} (big-endian: the first key byte is
     * the most significant), starting at key byte {@code keyOffset & 3}. Does not move the
     * buffer's position or limit.
     */
    public static void mask(ByteBuffer buf, int from, int to, int maskKey, long keyOffset) {
        mask(buf, from, to, maskKey, keyOffset, DIRECT_VIEW);
    }

    /** {@link #mask(ByteBuffer, int, int, int, long)}, with direct buffers masked as {@code directView} says. */
    static void mask(ByteBuffer buf, int from, int to, int maskKey, long keyOffset, boolean directView) {
        if (maskKey == 0 || from >= to) {
            return;
        }
        // Rotate so that the byte at `from` is XORed with key byte (keyOffset & 3).
        int key = Integer.rotateLeft(maskKey, (int) (keyOffset & 3) * 8);
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            maskArray(buf.array(), base + from, base + to, key);
        } else if (directView) {
            maskDirectView(buf, from, to, key);
        } else {
            maskDirectViaArray(buf, from, to, key);
        }
    }

    /** The key bytes in memory order, twice, as one long in the machine's byte order. */
    private static long key8(int key) {
        long key8 = ((long) key << 32) | (key & 0xFFFF_FFFFL); // big-endian memory order
        return LITTLE_ENDIAN ? Long.reverseBytes(key8) : key8;
    }

    private static void maskArray(byte[] a, int from, int to, int key) {
        long key8 = key8(key);
        int i = from;
        for (int end8 = to - 7; i < end8; i += 8) {
            ARRAY_LONGS.set(a, i, (long) ARRAY_LONGS.get(a, i) ^ key8);
        }
        // i - from is a multiple of 8, so the remaining bytes start again at key byte 0.
        for (int k = 0; i < to; i++, k++) {
            a[i] ^= (byte) (key >>> (24 - 8 * (k & 3)));
        }
    }

    /**
     * Whether direct buffers are masked through the view in place. On JDK 17, C2 compiled that loop
     * well in a benchmark but not inside the server (21 % of the CPU of a 64 KiB echo, about 8 GB/s;
     * JDK 25: 6 %, about 48 GB/s, same jar); copying 8 KiB at a time into an array, masking it
     * there and copying it back cost 13 % instead. So JDK 25 and later use the view, earlier ones
     * the array.
     */
    static final boolean DIRECT_VIEW = Runtime.version().feature() >= 25;

    /** Direct buffers go through this per-thread array when not {@link #DIRECT_VIEW}. */
    static final int CHUNK = 8192;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    /** A direct buffer, writable, through the view in place. */
    private static void maskDirectView(ByteBuffer buf, int from, int to, int key) {
        long key8 = key8(key);
        int i = from;
        for (int end8 = to - 7; i < end8; i += 8) {
            DIRECT_LONGS.set(buf, i, (long) DIRECT_LONGS.get(buf, i) ^ key8);
        }
        for (int k = 0; i < to; i++, k++) {
            buf.put(i, (byte) (buf.get(i) ^ (key >>> (24 - 8 * (k & 3)))));
        }
    }

    /** A direct buffer, writable, through {@link #SCRATCH}. */
    private static void maskDirectViaArray(ByteBuffer buf, int from, int to, int key) {
        byte[] scratch = SCRATCH.get();
        // CHUNK is a multiple of 4: every chunk starts again at the same key byte.
        while (from < to) {
            int n = Math.min(CHUNK, to - from);
            buf.get(from, scratch, 0, n);
            maskArray(scratch, 0, n, key);
            buf.put(from, scratch, 0, n);
            from += n;
        }
    }

    /** Masks a whole region starting at key byte 0. */
    public static void mask(ByteBuffer buf, int from, int to, int maskKey) {
        mask(buf, from, to, maskKey, 0);
    }
}
